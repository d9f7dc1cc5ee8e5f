import type { Database } from '#eventstore';
import { DataKeyWrapper, type MasterKeys } from '#security';

/** What one rotation run did. */
export interface RotationReport {
  currentMasterKeyId: string;
  /** Live data keys this run re-wrapped under the current master key (0 when an earlier run already did). */
  rewrapped: number;
  batches: number;
  /**
   * Live keys still under another master key when the run ended: 0 normally; more when rows were locked by a
   * concurrent run or destruction (skipped, not waited for) or were added by a process still on the old key.
   */
  remaining: number;
}

/** Live data keys under one master key id; `null`: wrapped before master key ids were recorded. */
export interface MasterKeyUsage {
  masterKeyId: string | null;
  role: 'current' | 'previous' | 'not configured' | 'unrecorded';
  liveKeys: number;
}

/** How far a rotation is: when no live key is under another master key, the previous keys can be removed. */
export interface MasterKeyStatus {
  currentMasterKeyId: string;
  usage: MasterKeyUsage[];
  destroyedKeys: number;
  /** True when every live data key is wrapped under the current master key. */
  rotationComplete: boolean;
}

/** The role a master key id plays in the configuration (pure). */
export function masterKeyRole(keys: MasterKeys, masterKeyId: string | null): MasterKeyUsage['role'] {
  if (masterKeyId === null) return 'unrecorded';
  if (masterKeyId === keys.current.id) return 'current';
  return keys.previous.some((k) => k.id === masterKeyId) ? 'previous' : 'not configured';
}

/**
 * Master key rotation: re-wraps every live data key that is not under the current master key (the data keys
 * themselves, and so every sealed value, stay as they are). Batches in key-id order, each its own
 * transaction; rows are locked `FOR UPDATE SKIP LOCKED`, so concurrent runs share the work and a destruction
 * waits for the batch holding its key (and then still destroys it). Destroyed keys (no wrapped key) are never
 * touched. A run that stops half-way leaves every committed batch done; the next run picks up the rest.
 */
export class MasterKeyRotation {
  private readonly wrapper: DataKeyWrapper;

  constructor(private readonly db: Database, private readonly keys: MasterKeys) {
    this.wrapper = new DataKeyWrapper(keys);
  }

  /**
   * Re-wraps, in batches of `batchSize`, until none is left; `onBatch` is told the running total.
   * @throws UnknownMasterKeyError when a row is under a master key that is not configured (that batch changes nothing).
   */
  async rotate(options: { batchSize?: number; onBatch?: (rewrapped: number) => void } = {}): Promise<RotationReport> {
    const batchSize = options.batchSize ?? 500;
    const current = this.wrapper.currentMasterKeyId;
    let after: string | null = null;
    let rewrapped = 0;
    let batches = 0;
    for (;;) {
      const done: { count: number; last: string | null } = await this.db.transaction(async (tx) => {
        const r = await tx.query<{ key_id: string; wrapped_key: string; master_key_id: string | null }>(
          `SELECT key_id, wrapped_key, master_key_id FROM data_keys
            WHERE wrapped_key IS NOT NULL AND master_key_id IS DISTINCT FROM $1 AND ($2::uuid IS NULL OR key_id > $2::uuid)
            ORDER BY key_id LIMIT $3 FOR UPDATE SKIP LOCKED`,
          [current, after, batchSize],
        );
        if (r.rows.length === 0) return { count: 0, last: null };
        const ids = r.rows.map((row) => row.key_id);
        const wrapped = r.rows.map((row) => this.wrapper.wrap(row.key_id, this.wrapper.unwrap(row.key_id, row.wrapped_key, row.master_key_id)));
        await tx.query(
          `UPDATE data_keys d SET wrapped_key = u.wrapped_key, master_key_id = $3
             FROM unnest($1::uuid[], $2::text[]) AS u(key_id, wrapped_key)
            WHERE d.key_id = u.key_id AND d.wrapped_key IS NOT NULL`,
          [ids, wrapped, current],
        );
        return { count: ids.length, last: ids[ids.length - 1]! };
      });
      if (done.count === 0) {
        const left = await this.db.query<{ n: string }>('SELECT count(*)::text AS n FROM data_keys WHERE wrapped_key IS NOT NULL AND master_key_id IS DISTINCT FROM $1', [current]);
        return { currentMasterKeyId: current, rewrapped, batches, remaining: Number(left.rows[0]!.n) };
      }
      rewrapped += done.count;
      batches += 1;
      after = done.last;
      options.onBatch?.(rewrapped);
    }
  }

  /** Live data keys per master key id, and how many keys were destroyed. */
  async status(): Promise<MasterKeyStatus> {
    const r = await this.db.query<{ master_key_id: string | null; live: string; destroyed: string }>(
      `SELECT master_key_id, count(*) FILTER (WHERE wrapped_key IS NOT NULL)::text AS live, count(*) FILTER (WHERE wrapped_key IS NULL)::text AS destroyed
         FROM data_keys GROUP BY master_key_id`,
    );
    const usage = r.rows
      .filter((row) => Number(row.live) > 0)
      .map((row) => ({ masterKeyId: row.master_key_id, role: masterKeyRole(this.keys, row.master_key_id), liveKeys: Number(row.live) }))
      .sort((a, b) => (a.role === 'current' ? -1 : b.role === 'current' ? 1 : String(a.masterKeyId).localeCompare(String(b.masterKeyId))));
    return {
      currentMasterKeyId: this.keys.current.id,
      usage,
      destroyedKeys: r.rows.reduce((n, row) => n + Number(row.destroyed), 0),
      rotationComplete: usage.every((u) => u.role === 'current'),
    };
  }
}
