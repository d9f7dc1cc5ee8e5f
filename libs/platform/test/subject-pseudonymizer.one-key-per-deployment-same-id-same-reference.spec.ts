import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { CreateKeyring1764500000000, DataKeysMasterKeyId1764700000000, Keyring, PROCESSING_LOG_KEY_ROW, ProcessingLogKeyMismatchError, SubjectPseudonymizer } from '#platform';
import { masterKeysFromConfig } from '#security';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';

describe('processing-log subject references', () => {
  const key = randomBytes(32);
  const expected = (id: string) => createHmac('sha256', key).update(id, 'utf8').digest('hex');

  it('are the keyed HMAC of the subject id, whatever was referenced before (also past the cache of recent ids)', () => {
    const p = SubjectPseudonymizer.fromKey(key);
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 50 }), (ids) => {
        for (const id of ids) expect(p.ref(id)).toBe(expected(id));
      }),
      { numRuns: 300, seed: 11 },
    );
    for (let i = 0; i < 12_000; i++) p.ref(`case-${i}`);
    expect(p.ref('case-0')).toBe(expected('case-0'));
    expect(p.ref('case-11999')).toBe(expected('case-11999'));
  });

  it('differ per key: another deployment cannot link its log to this one', () => {
    expect(SubjectPseudonymizer.fromKey(randomBytes(32)).ref('s-1')).not.toBe(SubjectPseudonymizer.fromKey(key).ref('s-1'));
  });

  describe('on one database (PostgreSQL)', () => {
    let t: TestDatabase;
    const masterKey = masterKeysFromConfig(randomBytes(32).toString('hex'));
    const dirs: string[] = [];
    const dataDir = async (keyFileHex?: string) => {
      const dir = await mkdtemp(path.join(tmpdir(), 'sr-pseudonymizer-'));
      dirs.push(dir);
      if (keyFileHex !== undefined) {
        await mkdir(path.join(dir, 'keys'));
        await writeFile(path.join(dir, 'keys', 'processing-log.key'), keyFileHex);
      }
      return dir;
    };
    const keyring = () => new Keyring(t.db, masterKey);

    beforeEach(async () => {
      t = await createTestDatabase({ migrations: [CreateKeyring1764500000000, DataKeysMasterKeyId1764700000000] });
    });
    afterEach(async () => t?.drop());
    afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

    it('are the same in every process of a deployment, whatever its data folder (processes starting together agree)', async () => {
      const loaded = await Promise.all(Array.from({ length: 12 }, async () => SubjectPseudonymizer.load(keyring(), undefined, await dataDir())));
      expect(new Set(loaded.map((p) => p.ref('s-1'))).size).toBe(1);
      expect((await SubjectPseudonymizer.load(keyring(), undefined, await dataDir())).ref('s-1')).toBe(loaded[0]!.ref('s-1'));
      expect((await t.db.query('SELECT owner, master_key_id FROM data_keys WHERE key_id = $1', [PROCESSING_LOG_KEY_ROW.keyId])).rows).toEqual([
        { owner: 'system:processing-log', master_key_id: masterKey.current.id },
      ]);
    });

    it('keep the key file an earlier version made in the data folder, so lines already written stay findable', async () => {
      const first = await SubjectPseudonymizer.load(keyring(), undefined, await dataDir(key.toString('hex')));
      expect(first.ref('s-1')).toBe(expected('s-1'));
      const elsewhere = await SubjectPseudonymizer.load(keyring(), undefined, await dataDir(randomBytes(32).toString('hex')));
      expect(elsewhere.ref('s-1')).toBe(expected('s-1'));
    });

    it('refuse a key file that holds no key of at least 32 bytes, and store nothing', async () => {
      await expect(SubjectPseudonymizer.load(keyring(), undefined, await dataDir('not-hex'))).rejects.toThrow('processing-log.key does not hold a key of at least 32 bytes');
      await expect(SubjectPseudonymizer.load(keyring(), undefined, await dataDir('ab'.repeat(16)))).rejects.toThrow('at least 32 bytes');
      expect((await t.db.query('SELECT 1 FROM data_keys WHERE key_id = $1', [PROCESSING_LOG_KEY_ROW.keyId])).rows).toHaveLength(0);
    });

    it('follow PROCESSING_LOG_KEY, and a process configured with another key than the stored one does not start', async () => {
      const configured = await SubjectPseudonymizer.load(keyring(), key.toString('hex'), await dataDir(randomBytes(32).toString('hex')));
      expect(configured.ref('s-1')).toBe(expected('s-1'));
      expect((await SubjectPseudonymizer.load(keyring(), undefined, await dataDir())).ref('s-1')).toBe(expected('s-1'));
      expect((await SubjectPseudonymizer.load(keyring(), key.toString('hex').toUpperCase(), await dataDir())).ref('s-1')).toBe(expected('s-1'));
      await expect(SubjectPseudonymizer.load(keyring(), randomBytes(32).toString('hex'), await dataDir())).rejects.toThrow(ProcessingLogKeyMismatchError);
    });
  });
});
