import type { Database, SqlExecutor } from '../database/sql-executor.js';
import { START_CURSOR, type Clock, type ReadCursor } from '../event-store.js';
import { checkpointHash, digestLine, insertCheckpoint, lastCheckpoint, linesDigest, type LedgerCheckpoint } from './ledger-checkpoint.js';
import { compareCursor } from './ledger-cursor.js';

export interface LedgerCheckpointerOptions {
  /** Events per checkpoint (`LEDGER_CHECKPOINT_EVERY`). */
  every?: number;
  /**
   * A partial checkpoint seals the events still outside one once the oldest of them is this old
   * (`LEDGER_CHECKPOINT_MAX_DELAY_MS`), so a quiet ledger's tail is sealed too.
   */
  maxDelayMs?: number;
  /** How often the background loop looks for new events. */
  pollIntervalMs?: number;
  clock?: Clock;
  onError?: (error: unknown) => void;
  onCheckpoint?: (checkpoint: LedgerCheckpoint) => void;
}

interface CommitOrderHash {
  transaction_id: string;
  position: string;
  hash: string;
  recorded_at: string | Date;
}

/** Advisory lock id: one checkpointer writes at a time per database; others skip the round. */
const CHECKPOINTER_LOCK = 7_318_002;

/**
 * Writes the global checkpoint chain. It reads events in commit order with the rule of
 * `EventStore.readAll` — only transactions older than the oldest one still in flight — so a range, once
 * sealed, can never gain a late commit; it selects only (transaction id, position, hash), not payloads.
 */
export class LedgerCheckpointer {
  readonly every: number;
  readonly maxDelayMs: number;
  private readonly pollIntervalMs: number;
  private readonly clock: Clock;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly db: Database,
    private readonly options: LedgerCheckpointerOptions = {},
  ) {
    this.every = options.every ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 5000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.clock = options.clock ?? (() => new Date());
    if (!Number.isInteger(this.every) || this.every < 1 || this.every > 1_000_000) throw new RangeError('every must be an integer in 1..1000000');
  }

  /**
   * Seals every full range of `every` visible events after the last checkpoint; with `flush` (or when the
   * oldest unsealed event is older than `maxDelayMs`) also the remaining partial range. Returns the
   * checkpoints written (none when another checkpointer holds the lock).
   */
  async checkpointOnce(options: { flush?: boolean } = {}): Promise<LedgerCheckpoint[]> {
    const written: LedgerCheckpoint[] = [];
    for (;;) {
      const checkpoint = await this.db.transaction(async (tx) => {
        const lock = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [CHECKPOINTER_LOCK]);
        if (!lock.rows[0]?.locked) return null;
        return this.sealNext(tx, options.flush === true);
      });
      if (!checkpoint) return written;
      written.push(checkpoint);
      this.options.onCheckpoint?.(checkpoint);
    }
  }

  /**
   * Seals through `through` (an export's newest event), so the export's events come with their proof. A single
   * `checkpointOnce` may not reach it: it seals only below the oldest transaction still in flight on the server (so
   * no late commit is ever skipped), and skips its round while the background loop holds the lock. So it flushes again
   * until the chain reaches `through`, for at most `timeoutMs`. Returns whether it did; if not (a long transaction
   * elsewhere holds the horizon back), the export goes out with its newest events unsealed, as they are.
   */
  async sealThrough(through: ReadCursor, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<boolean> {
    const until = Date.now() + (options.timeoutMs ?? 3000);
    for (;;) {
      await this.checkpointOnce({ flush: true });
      const last = await lastCheckpoint(this.db);
      if (last && compareCursor(last.to, through) >= 0) return true;
      if (Date.now() >= until) return false;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
    }
  }

  private async sealNext(tx: SqlExecutor, flush: boolean): Promise<LedgerCheckpoint | null> {
    const last = await lastCheckpoint(tx);
    const from: ReadCursor = last ? last.to : START_CURSOR;
    const r = await tx.query<CommitOrderHash>(
      `SELECT transaction_id::text AS transaction_id, position::text AS position, hash, recorded_at FROM events
        WHERE (transaction_id, position) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY events.transaction_id, events.position
        LIMIT $3`,
      [from.transactionId, from.position, this.every],
    );
    const rows = r.rows;
    if (rows.length === 0) return null;
    if (rows.length < this.every) {
      const oldest = new Date(rows[0]!.recorded_at).getTime();
      if (!flush && this.clock().getTime() - oldest < this.maxDelayMs) return null;
    }
    let lines = '';
    for (const row of rows) lines += digestLine(row.transaction_id, row.position, row.hash);
    const lastRow = rows[rows.length - 1]!;
    const unsealed = {
      seq: (last?.seq ?? 0) + 1,
      from,
      to: { transactionId: lastRow.transaction_id, position: lastRow.position },
      eventCount: rows.length,
      digest: linesDigest(lines),
      prevCheckpointHash: last?.checkpointHash ?? null,
      createdAt: this.clock().toISOString(),
    };
    const checkpoint: LedgerCheckpoint = { ...unsealed, checkpointHash: checkpointHash(unsealed) };
    await insertCheckpoint(tx, checkpoint, lines);
    return checkpoint;
  }

  /** Runs `checkpointOnce` every `pollIntervalMs` until `stop()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops the loop after its current round (which completes: a checkpoint is never half written). */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.checkpointOnce();
      } catch (error) {
        this.options.onError?.(error);
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}
