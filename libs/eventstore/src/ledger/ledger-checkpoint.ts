import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { SqlExecutor } from '../database/sql-executor.js';
import type { ReadCursor } from '../event-store.js';

/**
 * One link of the global checkpoint chain: it seals the events in commit order after `from` up to and
 * including `to` (both (transaction id, position) cursors) — their number, their places and their hashes —
 * and chains to the checkpoint before it through `prevCheckpointHash`.
 */
export interface LedgerCheckpoint {
  seq: number;
  from: ReadCursor;
  to: ReadCursor;
  eventCount: number;
  /** sha256 (hex) over the range's `lines`. */
  digest: string;
  /** `checkpointHash` of checkpoint `seq - 1`; null for the first. */
  prevCheckpointHash: string | null;
  /** sha256 (hex) over the RFC 8785 canonical JSON of the fields above and `createdAt`. */
  checkpointHash: string;
  /** ISO 8601 instant the checkpoint was written. */
  createdAt: string;
}

/** One sealed event: its place in commit order and its hash. */
export interface SealedEntry {
  transactionId: string;
  position: string;
  hash: string;
}

/** The line one event contributes to a range: `<transactionId>:<position>:<hash>\n`. */
export const digestLine = (transactionId: string, position: string, hash: string): string => `${transactionId}:${position}:${hash}\n`;

/** sha256 (hex) of a range's lines. */
export const linesDigest = (lines: string): string => createHash('sha256').update(lines).digest('hex');

/** The entries of a range's lines; null when the text is not a well-formed list of lines. */
export function parseLines(lines: string): SealedEntry[] | null {
  if (lines.length === 0 || !lines.endsWith('\n')) return null;
  const entries: SealedEntry[] = [];
  for (const line of lines.slice(0, -1).split('\n')) {
    const m = /^(0|[1-9]\d{0,19}):(0|[1-9]\d{0,18}):([0-9a-f]{64})$/.exec(line);
    if (!m) return null;
    entries.push({ transactionId: m[1]!, position: m[2]!, hash: m[3]! });
  }
  return entries;
}

/** The hash that seals a checkpoint (and, through `prevCheckpointHash`, every checkpoint before it). */
export function checkpointHash(c: Omit<LedgerCheckpoint, 'checkpointHash'>): string {
  const sealed = {
    seq: c.seq,
    from: { transactionId: c.from.transactionId, position: c.from.position },
    to: { transactionId: c.to.transactionId, position: c.to.position },
    eventCount: c.eventCount,
    digest: c.digest,
    prevCheckpointHash: c.prevCheckpointHash,
    createdAt: c.createdAt,
  };
  return createHash('sha256').update((canonicalize as unknown as (v: unknown) => string)(sealed)).digest('hex');
}

interface CheckpointRow {
  seq: string;
  from_transaction_id: string;
  from_position: string;
  to_transaction_id: string;
  to_position: string;
  event_count: number;
  digest: string;
  prev_checkpoint_hash: string | null;
  checkpoint_hash: string;
  created_at: string;
}

/** Text aliases shadow the columns in ORDER BY: always order by the qualified column. */
const CHECKPOINT_COLUMNS = `seq::text AS seq, from_transaction_id::text AS from_transaction_id, from_position::text AS from_position,
  to_transaction_id::text AS to_transaction_id, to_position::text AS to_position, event_count, digest, prev_checkpoint_hash, checkpoint_hash,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at`;

function toCheckpoint(r: CheckpointRow): LedgerCheckpoint {
  return {
    seq: Number(r.seq),
    from: { transactionId: r.from_transaction_id, position: r.from_position },
    to: { transactionId: r.to_transaction_id, position: r.to_position },
    eventCount: Number(r.event_count),
    digest: r.digest,
    prevCheckpointHash: r.prev_checkpoint_hash,
    checkpointHash: r.checkpoint_hash,
    createdAt: r.created_at,
  };
}

/** Every checkpoint without its lines, in `seq` order (about 300 bytes per `LEDGER_CHECKPOINT_EVERY` events). */
export async function loadCheckpoints(db: SqlExecutor): Promise<LedgerCheckpoint[]> {
  const r = await db.query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM ledger_checkpoints ORDER BY ledger_checkpoints.seq`);
  return r.rows.map(toCheckpoint);
}

/** The newest checkpoint, or null before the first. */
export async function lastCheckpoint(db: SqlExecutor): Promise<LedgerCheckpoint | null> {
  const r = await db.query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM ledger_checkpoints ORDER BY ledger_checkpoints.seq DESC LIMIT 1`);
  return r.rows[0] ? toCheckpoint(r.rows[0]) : null;
}

/** The checkpoints from `seq` on, up to the newest (the chain from a range to the head). */
export async function checkpointsFrom(db: SqlExecutor, seq: number): Promise<LedgerCheckpoint[]> {
  const r = await db.query<CheckpointRow>(`SELECT ${CHECKPOINT_COLUMNS} FROM ledger_checkpoints WHERE ledger_checkpoints.seq >= $1 ORDER BY ledger_checkpoints.seq`, [seq]);
  return r.rows.map(toCheckpoint);
}

/** The lines of the checkpoints with `seq` in [first, last], by seq. */
export async function loadLines(db: SqlExecutor, first: number, last: number): Promise<Map<number, string>> {
  const r = await db.query<{ seq: string; lines: string }>('SELECT seq::text AS seq, lines FROM ledger_checkpoints WHERE seq BETWEEN $1 AND $2', [first, last]);
  return new Map(r.rows.map((row) => [Number(row.seq), row.lines]));
}

export async function insertCheckpoint(tx: SqlExecutor, c: LedgerCheckpoint, lines: string): Promise<void> {
  await tx.query(
    `INSERT INTO ledger_checkpoints (seq, from_transaction_id, from_position, to_transaction_id, to_position, event_count, digest, lines, prev_checkpoint_hash, checkpoint_hash, created_at)
     VALUES ($1, $2::xid8, $3::bigint, $4::xid8, $5::bigint, $6, $7, $8, $9, $10, $11::timestamptz)`,
    [c.seq, c.from.transactionId, c.from.position, c.to.transactionId, c.to.position, c.eventCount, c.digest, lines, c.prevCheckpointHash, c.checkpointHash, c.createdAt],
  );
}
