import { randomBytes, randomUUID } from 'node:crypto';
import { rowTable, type Database, type SqlExecutor, type TableRow } from '#eventstore';
import { BlindIndex, DataKeyWrapper, FieldDecryptionError, isSealedValue, openSealedValue, sealedKeyId, sealValue, type MasterKeys } from '#security';

const DATA_KEYS_TABLE = rowTable('data_keys', { key_id: 'uuid', owner: 'text', municipality: 'text', wrapped_key: 'text', master_key_id: 'text' });

/** A data key made for a new owner; its row is inserted by the caller, in the statement that first uses it. */
export interface NewDataKey {
  readonly keyId: string;
  /** Seals one value under this key; with `context`, it opens only through {@link Keyring.open} with the same context. */
  seal(plaintext: string, context?: string): string;
  /** The wrapped key's `data_keys` row, for an append's `rows` (it commits with the events that use the key). */
  readonly row: TableRow;
}

/** A value with its sealed strings opened, and whether any of them belonged to a destroyed key. */
export interface Revealed<T> {
  value: T;
  /** True when at least one sealed value could not be opened because its key was destroyed (crypto-shredded). */
  erased: boolean;
}

/** Owner names of data keys: a signal's (made at intake), a subject's (at registration), a case's (when opened). */
export const keyOwner = {
  signal: (signalId: string) => `signal:${signalId}`,
  subject: (subjectId: string) => `subject:${subjectId}`,
  /** A case's key seals the free text written into it (reasons, notes, plan). */
  case: (caseId: string) => `case:${caseId}`,
};

/** The blind-index key's row in `data_keys`: a system key, never destroyed, re-wrapped by rotation like any data key. */
export const BLIND_INDEX_KEY = { keyId: '00000000-0000-4000-8000-000000000b1d', owner: 'system:blind-index', municipality: '*' } as const;

/**
 * The processing log's pseudonymisation key's row in `data_keys`: a system key like the blind-index key, so every
 * process of a deployment pseudonymises a subject alike and rotation re-wraps it.
 */
export const PROCESSING_LOG_KEY_ROW = { keyId: '00000000-0000-4000-8000-00000000010c', owner: 'system:processing-log', municipality: '*' } as const;

/** `PROCESSING_LOG_KEY` names another key than the one the deployment's processing log is pseudonymised with. */
export class ProcessingLogKeyMismatchError extends Error {
  constructor() {
    super(
      "PROCESSING_LOG_KEY is not the key this deployment's processing log is pseudonymised with (kept in data_keys since the first process started); " +
        'set the same key on every process, or leave it unset to use the stored one',
    );
    this.name = 'ProcessingLogKeyMismatchError';
  }
}

/**
 * Per-owner data keys under the master key, and the opening of sealed values for the API. Sealed values
 * (`pd1.<keyId>.…`) can sit anywhere in an event payload, projection row or Kafka message; `reveal` finds
 * them in any JSON value, loads their keys in one query, and opens them. A value whose key was destroyed comes
 * back as `null` and the result says `erased`. Keys are read from the database on every reveal (no cache), so
 * a destroyed key is unreadable in every process the moment the destruction commits.
 */
export class Keyring {
  private readonly wrapper: DataKeyWrapper;
  /**
   * Keys this process seals with, by owner (bounded). Safe to keep: a key destroyed meanwhile by another
   * process only makes what this one seals with it unreadable too — sealing never reveals anything.
   */
  private readonly sealing = new Map<string, { keyId: string; key: Buffer }>();
  private static readonly MAX_SEALING_KEYS = 50_000;

  /** `masterKeys`: the current master key wraps new keys; the previous ones only unwrap rows not yet rotated. */
  constructor(private readonly db: Database, private readonly masterKeys: MasterKeys) {
    this.wrapper = new DataKeyWrapper(masterKeys);
  }

  newKey(owner: string, municipality: string): NewDataKey {
    const keyId = randomUUID();
    const key = DataKeyWrapper.generate();
    const wrapped = this.wrapper.wrap(keyId, key);
    return {
      keyId,
      seal: (plaintext, context) => sealValue(key, keyId, plaintext, context),
      row: { table: DATA_KEYS_TABLE, values: { key_id: keyId, owner, municipality, wrapped_key: wrapped, master_key_id: this.wrapper.currentMasterKeyId } },
    };
  }

  /** Opens every sealed string in `value` (a JSON value; not modified). */
  async reveal<T>(value: T, tx: SqlExecutor = this.db): Promise<Revealed<T>> {
    return (await this.revealEach([value], tx))[0]!;
  }

  /** Like {@link reveal} for each of `values` (e.g. a page of a list), with one key lookup for all. */
  async revealEach<T>(values: readonly T[], tx: SqlExecutor = this.db): Promise<Revealed<T>[]> {
    const ids = new Set<string>();
    for (const value of values) collectKeyIds(value, ids);
    if (ids.size === 0) return values.map((value) => ({ value, erased: false }));
    const keys = await this.load([...ids], tx);
    return values.map((value) => {
      let erased = false;
      const open = (sealed: string): string | null => {
        const key = keys.get(sealedKeyId(sealed)!);
        if (!key) {
          erased = true;
          return null;
        }
        return openSealedValue(key, sealed);
      };
      const opened = mapSealed(value, open) as T;
      return { value: opened, erased };
    });
  }

  /**
   * Each of `values` (answers of an API) with its sealed values opened and `personalDataErased` set when any of
   * them belonged to a destroyed key: the shape every API that shows personal data answers with.
   */
  async revealAnswers<T extends object>(values: readonly T[], tx: SqlExecutor = this.db): Promise<(T & { personalDataErased: boolean })[]> {
    return (await this.revealEach(values, tx)).map((r) => ({ ...r.value, personalDataErased: r.erased }));
  }

  /** {@link revealAnswers} for one answer. */
  async revealAnswer<T extends object>(value: T, tx: SqlExecutor = this.db): Promise<T & { personalDataErased: boolean }> {
    return (await this.revealAnswers([value], tx))[0]!;
  }

  /**
   * `value` with the plaintext of each sealed string passed through `edit` (e.g. a redaction); a value `edit`
   * changes is sealed again under the SAME key (so destroying that key still shreds it), an unchanged one stays
   * byte-identical, and one whose key was destroyed stays as it is (nobody can open it).
   */
  async editSealed<T>(value: T, edit: (plaintext: string) => string, tx: SqlExecutor = this.db): Promise<T> {
    const ids = new Set<string>();
    collectKeyIds(value, ids);
    if (ids.size === 0) return value;
    const keys = await this.load([...ids], tx);
    return mapSealed(value, (sealed) => {
      const keyId = sealedKeyId(sealed)!;
      const key = keys.get(keyId);
      if (!key) return sealed;
      const plaintext = openSealedValue(key, sealed);
      const edited = edit(plaintext);
      return edited === plaintext ? sealed : sealValue(key, keyId, edited);
    }) as T;
  }

  /**
   * A sealer for the owner's live data key (e.g. a case's, made when it was opened). `destroyed` when the
   * owner's keys were destroyed (nothing may be added); when the owner never had a key (data from before
   * field encryption), a new one whose row the caller inserts with what it seals (`insert`).
   */
  async sealerFor(owner: string, municipality: string, tx: SqlExecutor = this.db): Promise<{ keyId: string; seal: (plaintext: string) => string; row: TableRow | null } | 'destroyed'> {
    let entry = this.sealing.get(owner);
    if (!entry) {
      const r = await tx.query<{ key_id: string; wrapped_key: string | null; master_key_id: string | null }>(
        'SELECT key_id, wrapped_key, master_key_id FROM data_keys WHERE owner = $1 ORDER BY (wrapped_key IS NULL), created_at, key_id LIMIT 1',
        [owner],
      );
      const row = r.rows[0];
      if (!row) {
        const made = this.newKey(owner, municipality);
        return { keyId: made.keyId, seal: (plaintext) => made.seal(plaintext), row: made.row };
      }
      if (row.wrapped_key === null) return 'destroyed';
      entry = { keyId: row.key_id, key: this.wrapper.unwrap(row.key_id, row.wrapped_key, row.master_key_id) };
      if (this.sealing.size >= Keyring.MAX_SEALING_KEYS) this.sealing.delete(this.sealing.keys().next().value!);
      this.sealing.set(owner, entry);
    }
    const { key, keyId } = entry;
    return { keyId, seal: (plaintext) => sealValue(key, keyId, plaintext), row: null };
  }

  /**
   * Opens one value sealed with a context (e.g. a vault row bound to its signal): the plaintext, or null when
   * its key was destroyed. @throws FieldDecryptionError when it was altered or moved to another context.
   */
  async open(sealed: string, context: string, tx: SqlExecutor = this.db): Promise<string | null> {
    const keyId = sealedKeyId(sealed);
    if (keyId === null) throw new FieldDecryptionError();
    const key = (await this.load([keyId], tx)).get(keyId);
    return key ? openSealedValue(key, sealed, context) : null;
  }

  /**
   * Destroys (crypto-shreds) every live key of `owners` inside the caller's transaction, naming the
   * destruction; returns how many keys were destroyed (0 when they already were: destruction is idempotent).
   */
  async destroy(tx: SqlExecutor, owners: readonly string[], destructionId: string, at: Date): Promise<number> {
    if (owners.length === 0) return 0;
    for (const owner of owners) this.sealing.delete(owner);
    const r = await tx.query<{ key_id: string }>(
      `UPDATE data_keys SET wrapped_key = NULL, destroyed_at = $3::timestamptz, destruction_id = $2::uuid
        WHERE owner = ANY($1::text[]) AND wrapped_key IS NOT NULL RETURNING key_id`,
      [owners, destructionId, at.toISOString()],
    );
    return r.rows.length;
  }

  /**
   * The key of the blind indexes, kept in `data_keys` ({@link BLIND_INDEX_KEY}) so that rotating the master key
   * re-wraps it and every fingerprint stays valid. Made once per deployment, from the master key that wrapped
   * the keys stored before master key ids were recorded (the key every earlier fingerprint was made with), or
   * from the current one in a new deployment; processes starting together agree (the first insert wins).
   */
  async blindIndexKey(tx: SqlExecutor = this.db): Promise<Buffer> {
    return this.systemKey(BLIND_INDEX_KEY, async () => BlindIndex.keyFrom(await this.legacyMasterKey(tx)), 'the blind-index key', 'subjects can no longer be matched', tx);
  }

  /**
   * The HMAC key of the processing log's subject references, one per deployment: kept in `data_keys`
   * ({@link PROCESSING_LOG_KEY_ROW}) under the master key, so processes on other hosts (other data folders)
   * reference a subject alike and an auditor's query by subject finds every line. The first process makes it:
   * from `configured` (`PROCESSING_LOG_KEY`), else from `seed` (the key file older versions kept in the data
   * folder, so lines already written stay findable), else at random; processes starting together agree (the
   * first insert wins). A configured key must be the stored one.
   * @throws ProcessingLogKeyMismatchError when `configured` differs from the stored key
   */
  async processingLogKey(configured: Buffer | undefined, seed: () => Promise<Buffer | undefined>, tx: SqlExecutor = this.db): Promise<Buffer> {
    const key = await this.systemKey(PROCESSING_LOG_KEY_ROW, async () => configured ?? (await seed()) ?? randomBytes(32), 'the processing-log key', 'subject references can no longer be made', tx);
    if (configured && !configured.equals(key)) throw new ProcessingLogKeyMismatchError();
    return key;
  }

  /**
   * A system key of the deployment (one `data_keys` row under the master key), made by `make` when it does not
   * exist yet; processes starting together agree (the first insert wins).
   */
  private async systemKey(row: { keyId: string; owner: string; municipality: string }, make: () => Promise<Buffer>, name: string, lostMeans: string, tx: SqlExecutor): Promise<Buffer> {
    const { keyId, owner, municipality } = row;
    const exists = await tx.query('SELECT 1 FROM data_keys WHERE key_id = $1::uuid', [keyId]);
    if (exists.rows.length === 0) {
      const key = await make();
      await tx.query(
        'INSERT INTO data_keys (key_id, owner, municipality, wrapped_key, master_key_id) VALUES ($1::uuid, $2, $3, $4, $5) ON CONFLICT (key_id) DO NOTHING',
        [keyId, owner, municipality, this.wrapper.wrap(keyId, key), this.wrapper.currentMasterKeyId],
      );
    }
    const key = (await this.load([keyId], tx)).get(keyId);
    if (!key) throw new Error(`${name} (data key ${keyId}) was destroyed; ${lostMeans}`);
    return key;
  }

  /** The configured master key that opens the keys stored before master key ids were recorded; the current one when there are none. */
  private async legacyMasterKey(tx: SqlExecutor): Promise<Buffer> {
    const r = await tx.query<{ key_id: string; wrapped_key: string }>('SELECT key_id, wrapped_key FROM data_keys WHERE master_key_id IS NULL AND wrapped_key IS NOT NULL LIMIT 1');
    const row = r.rows[0];
    if (!row) return this.masterKeys.current.key;
    const id = this.wrapper.openingMasterKeyId(row.key_id, row.wrapped_key);
    return [this.masterKeys.current, ...this.masterKeys.previous].find((k) => k.id === id)!.key;
  }

  private async load(keyIds: string[], tx: SqlExecutor): Promise<Map<string, Buffer>> {
    const r = await tx.query<{ key_id: string; wrapped_key: string | null; master_key_id: string | null }>(
      'SELECT key_id, wrapped_key, master_key_id FROM data_keys WHERE key_id = ANY($1::uuid[])',
      [keyIds],
    );
    const keys = new Map<string, Buffer>();
    for (const row of r.rows) {
      if (row.wrapped_key === null) continue;
      keys.set(row.key_id, this.wrapper.unwrap(row.key_id, row.wrapped_key, row.master_key_id));
    }
    return keys;
  }
}

function collectKeyIds(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (isSealedValue(value)) into.add(sealedKeyId(value)!);
  } else if (Array.isArray(value)) {
    for (const item of value) collectKeyIds(item, into);
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const item of Object.values(value)) collectKeyIds(item, into);
  }
}

function mapSealed(value: unknown, open: (sealed: string) => string | null): unknown {
  if (typeof value === 'string') return isSealedValue(value) ? open(value) : value;
  if (Array.isArray(value)) return value.map((item) => mapSealed(item, open));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapSealed(v, open)]));
  }
  return value;
}
