import { randomBytes, randomUUID } from 'node:crypto';
import { insertRowsSql } from '#eventstore';
import { BLIND_INDEX_KEY, CreateKeyring1764500000000, DataKeysMasterKeyId1764700000000, Keyring, MasterKeyRotation } from '#platform';
import { BlindIndex, DataKeyWrapper, masterKeysFromConfig, UnknownMasterKeyError, type MasterKeys } from '#security';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';

/**
 * Master key rotation on the real PostgreSQL: the life of a deployment that starts on master key A (with rows
 * from before master key ids were recorded), switches to B with A as previous, rotates, and drops A.
 */
const A = randomBytes(32).toString('hex');
const B = randomBytes(32).toString('hex');
const onlyA = masterKeysFromConfig(A);
const bWithA = masterKeysFromConfig(B, A);
const onlyB = masterKeysFromConfig(B);

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase({ migrations: [CreateKeyring1764500000000, DataKeysMasterKeyId1764700000000] });
});
afterAll(async () => t?.drop());

async function storeKey(keyring: Keyring, owner: string) {
  const key = keyring.newKey(owner, 'GM0363');
  const params: unknown[] = [];
  await t.db.query(insertRowsSql(key.row.table, [key.row], (v) => `$${params.push(v)}`), params);
  return key;
}

/** A key row as a version without master key ids wrote it (no `master_key_id`). */
async function storeLegacyKey(masterKey: string, owner: string) {
  const keyId = randomUUID();
  const dataKey = DataKeyWrapper.generate();
  await t.db.query('INSERT INTO data_keys (key_id, owner, municipality, wrapped_key) VALUES ($1, $2, $3, $4)', [keyId, owner, 'GM0363', new DataKeyWrapper(Buffer.from(masterKey, 'hex')).wrap(keyId, dataKey)]);
  return { keyId, dataKey };
}

const liveUnderOtherThan = async (keys: MasterKeys) =>
  Number((await t.db.query<{ n: string }>('SELECT count(*)::text AS n FROM data_keys WHERE wrapped_key IS NOT NULL AND master_key_id IS DISTINCT FROM $1', [keys.current.id])).rows[0]!.n);

describe('master key rotation', () => {
  const sealed: { text: string; value: string; context?: string }[] = [];
  let erasedValue: string;
  let legacyValue: string;
  let blindKeyBefore: Buffer;

  beforeAll(async () => {
    const keyringA = new Keyring(t.db, onlyA);
    const legacy = await storeLegacyKey(A, 'signal:legacy');
    const { sealValue } = await import('#security');
    legacyValue = sealValue(legacy.dataKey, legacy.keyId, 'melding van voor de sleutel-ids');
    blindKeyBefore = await keyringA.blindIndexKey();
    for (let i = 0; i < 7; i++) {
      const key = await storeKey(keyringA, `subject:${i}`);
      sealed.push({ text: `J. de Vries ${i}`, value: key.seal(`J. de Vries ${i}`) });
      sealed.push({ text: `melder ${i}`, value: key.seal(`melder ${i}`, `vault:${i}`), context: `vault:${i}` });
    }
    const doomed = await storeKey(keyringA, 'subject:erased');
    erasedValue = doomed.seal('BSN 111222333');
    await t.db.transaction((tx) => keyringA.destroy(tx, ['subject:erased'], randomUUID(), new Date()));
  });

  it('names the master key of every new key; a key from before ids stays unrecorded and still opens', async () => {
    const rows = await t.db.query<{ master_key_id: string | null; n: string }>('SELECT master_key_id, count(*)::text AS n FROM data_keys WHERE wrapped_key IS NOT NULL GROUP BY 1 ORDER BY 1');
    expect(rows.rows).toEqual([
      { master_key_id: onlyA.current.id, n: '8' }, // 7 subjects + the blind-index key
      { master_key_id: null, n: '1' },
    ]);
    expect((await new Keyring(t.db, onlyA).reveal(legacyValue)).value).toBe('melding van voor de sleutel-ids');
  });

  it('status counts the live keys per master key and says the rotation is not complete', async () => {
    const status = await new MasterKeyRotation(t.db, bWithA).status();
    expect(status).toEqual({
      currentMasterKeyId: bWithA.current.id,
      usage: [
        { masterKeyId: onlyA.current.id, role: 'previous', liveKeys: 8 },
        { masterKeyId: null, role: 'unrecorded', liveKeys: 1 },
      ].sort((x, y) => String(x.masterKeyId).localeCompare(String(y.masterKeyId))),
      destroyedKeys: 1,
      rotationComplete: false,
    });
  });

  it('with the new key current and the old one previous, everything sealed before still opens and new keys go under the new key', async () => {
    const keyring = new Keyring(t.db, bWithA);
    expect((await keyring.reveal(sealed.filter((s) => !s.context).map((s) => s.value))).value).toEqual(sealed.filter((s) => !s.context).map((s) => s.text));
    const fresh = await storeKey(keyring, 'subject:after-switch');
    expect((await t.db.query('SELECT master_key_id FROM data_keys WHERE key_id = $1', [fresh.keyId])).rows).toEqual([{ master_key_id: bWithA.current.id }]);
    sealed.push({ text: 'na de wissel', value: fresh.seal('na de wissel') });
  });

  it('rotation re-wraps every live key in batches, leaves destroyed keys destroyed, and a second run re-wraps 0', async () => {
    const destroyedBefore = await t.db.query('SELECT key_id, wrapped_key, destroyed_at, destruction_id, master_key_id FROM data_keys WHERE wrapped_key IS NULL');
    const batches: number[] = [];
    const first = await new MasterKeyRotation(t.db, bWithA).rotate({ batchSize: 3, onBatch: (n) => batches.push(n) });
    expect(first).toEqual({ currentMasterKeyId: bWithA.current.id, rewrapped: 9, batches: 3, remaining: 0 });
    expect(batches).toEqual([3, 6, 9]);
    expect(await liveUnderOtherThan(bWithA)).toBe(0);
    expect((await t.db.query('SELECT key_id, wrapped_key, destroyed_at, destruction_id, master_key_id FROM data_keys WHERE wrapped_key IS NULL')).rows).toEqual(destroyedBefore.rows);
    const wrappedAfterFirst = await t.db.query('SELECT key_id, wrapped_key FROM data_keys ORDER BY key_id');
    expect(await new MasterKeyRotation(t.db, bWithA).rotate({ batchSize: 3 })).toEqual({ currentMasterKeyId: bWithA.current.id, rewrapped: 0, batches: 0, remaining: 0 });
    expect((await t.db.query('SELECT key_id, wrapped_key FROM data_keys ORDER BY key_id')).rows).toEqual(wrappedAfterFirst.rows);
  });

  it('status after rotation: every live key under the new key, rotation complete', async () => {
    expect(await new MasterKeyRotation(t.db, bWithA).status()).toEqual({
      currentMasterKeyId: bWithA.current.id,
      usage: [{ masterKeyId: bWithA.current.id, role: 'current', liveKeys: 10 }],
      destroyedKeys: 1,
      rotationComplete: true,
    });
  });

  it('after rotation, with ONLY the new key configured, everything sealed before opens, the blind-index key is unchanged and destroyed data stays erased', async () => {
    const keyring = new Keyring(t.db, onlyB);
    for (const s of sealed) {
      if (s.context) expect(await keyring.open(s.value, s.context)).toBe(s.text);
      else expect((await keyring.reveal(s.value)).value).toBe(s.text);
    }
    expect((await keyring.reveal(legacyValue)).value).toBe('melding van voor de sleutel-ids');
    expect(await keyring.reveal({ bsn: erasedValue })).toEqual({ value: { bsn: null }, erased: true });
    expect(await keyring.sealerFor('subject:erased', 'GM0363')).toBe('destroyed');
    const blindKey = await keyring.blindIndexKey();
    expect(blindKey.equals(blindKeyBefore)).toBe(true);
    expect(blindKey.equals(BlindIndex.keyFrom(Buffer.from(A, 'hex')))).toBe(true);
  });

  it('a process with only the retired key gets an error naming the master key it lacks, never garbage', async () => {
    const stale = new Keyring(t.db, onlyA);
    const error = await stale.reveal(sealed[0]!.value).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownMasterKeyError);
    expect((error as UnknownMasterKeyError).masterKeyId).toBe(onlyB.current.id);
    expect((error as Error).message).toContain(`wrapped under master key ${onlyB.current.id}, which is not configured`);
  });

  it('status names a master key that is no longer configured', async () => {
    const C = masterKeysFromConfig(randomBytes(32).toString('hex'));
    const status = await new MasterKeyRotation(t.db, C).status();
    expect(status.usage).toEqual([{ masterKeyId: onlyB.current.id, role: 'not configured', liveKeys: 10 }]);
    expect(status.rotationComplete).toBe(false);
  });

  it('rotation refuses a key under a master key that is not configured, naming it, and that batch changes nothing', async () => {
    const C = masterKeysFromConfig(randomBytes(32).toString('hex'));
    const before = await t.db.query('SELECT key_id, wrapped_key, master_key_id FROM data_keys ORDER BY key_id');
    const error = await new MasterKeyRotation(t.db, C).rotate({ batchSize: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownMasterKeyError);
    expect((error as UnknownMasterKeyError).masterKeyId).toBe(onlyB.current.id);
    expect((await t.db.query('SELECT key_id, wrapped_key, master_key_id FROM data_keys ORDER BY key_id')).rows).toEqual(before.rows);
  });
});

describe('concurrent rotation runs', () => {
  it('share the work: every live key is re-wrapped exactly once and still opens', async () => {
    const C = randomBytes(32).toString('hex');
    const D = randomBytes(32).toString('hex');
    const keyringC = new Keyring(t.db, masterKeysFromConfig(C));
    const values: { text: string; value: string }[] = [];
    for (let i = 0; i < 120; i++) {
      const key = await storeKey(keyringC, `signal:concurrent-${i}`);
      values.push({ text: `zorg ${i}`, value: key.seal(`zorg ${i}`) });
    }
    // Everything from the first describe is under B: give the runs B as well, so only C's 120 keys and B's 10 move.
    const dWithCAndB = masterKeysFromConfig(D, `${C},${B}`);
    const runs = await Promise.all([1, 2, 3].map(() => new MasterKeyRotation(t.db, dWithCAndB).rotate({ batchSize: 7 })));
    expect(runs.reduce((n, r) => n + r.rewrapped, 0)).toBe(130);
    expect(await liveUnderOtherThan(dWithCAndB)).toBe(0);
    const onlyD = new Keyring(t.db, masterKeysFromConfig(D));
    expect((await onlyD.reveal(values.map((v) => v.value))).value).toEqual(values.map((v) => v.text));
  });
});

describe('the blind-index key of a deployment', () => {
  it('is made from the master key that wrapped the keys from before ids, even when the first start already has a new current key', async () => {
    await t.db.query('DELETE FROM data_keys WHERE key_id = $1', [BLIND_INDEX_KEY.keyId]);
    const E = randomBytes(32).toString('hex');
    await storeLegacyKey(E, 'signal:legacy-e');
    const F = randomBytes(32).toString('hex');
    const keyring = new Keyring(t.db, masterKeysFromConfig(F, E));
    expect((await keyring.blindIndexKey()).equals(BlindIndex.keyFrom(Buffer.from(E, 'hex')))).toBe(true);
    expect((await t.db.query('SELECT owner, master_key_id FROM data_keys WHERE key_id = $1', [BLIND_INDEX_KEY.keyId])).rows).toEqual([{ owner: 'system:blind-index', master_key_id: masterKeysFromConfig(F).current.id }]);
  });

  it('is made from the current master key in a new deployment, once, however many processes start together', async () => {
    await t.db.query('DELETE FROM data_keys');
    const G = masterKeysFromConfig(randomBytes(32).toString('hex'));
    const keys = await Promise.all([1, 2, 3, 4].map(() => new Keyring(t.db, G).blindIndexKey()));
    for (const key of keys) expect(key.equals(BlindIndex.keyFrom(G.current.key))).toBe(true);
    expect((await t.db.query('SELECT count(*)::int AS n FROM data_keys')).rows).toEqual([{ n: 1 }]);
  });
});
