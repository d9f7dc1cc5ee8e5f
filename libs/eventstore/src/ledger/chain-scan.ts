import type { SqlExecutor } from '../database/sql-executor.js';
import { EVENT_COLUMNS, type EventRow } from '../event-row.js';
import type { LedgerBreakKind } from './ledger-break.js';
import { compareDecimal } from './ledger-cursor.js';
import { fastHashOfRow, LEDGER_EVENT_COLUMNS, referenceHashOfRow, type LedgerEventRow } from './stored-event-hash.js';

/** A part of the stream id space: `from` inclusive, `to` exclusive; null = unbounded. Whole streams only. */
export interface StreamRange {
  from: string | null;
  to: string | null;
}

/** A finding of the chain scan, with the event's place so the caller can rank it. */
export interface ChainFinding {
  kind: LedgerBreakKind;
  position: string;
  transactionId: string;
  streamId: string;
  expected: string;
  actual: string;
  detail: string;
}

export interface ChainScanResult {
  events: number;
  streams: number;
  findings: ChainFinding[];
}

/**
 * Verifies every stream chain in `range`: keyset pages in (stream_id, stream_version) order, the next page
 * requested before the current one is hashed (PostgreSQL reads while Node hashes). Each event's hash is
 * recomputed from its stored columns; a fast-path miss is re-checked the reference way (`rowToEnvelope` +
 * `eventHash`) before it is called a break. Runs in the caller's thread or in a worker (one per range).
 */
export async function scanChains(
  db: SqlExecutor,
  range: StreamRange,
  batchSize: number,
  onProgress?: (events: number) => void,
  maxFindings = 10_000,
): Promise<ChainScanResult> {
  const page = (after: LedgerEventRow | null) => {
    const params: unknown[] = [];
    const bind = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (after !== null) where.push(`(stream_id, stream_version) > (${bind(after.stream_id)}, ${bind(after.stream_version)})`);
    else if (range.from !== null) where.push(`stream_id >= ${bind(range.from)}`);
    if (range.to !== null) where.push(`stream_id < ${bind(range.to)}`);
    const p = db.query<LedgerEventRow>(
      `SELECT ${LEDGER_EVENT_COLUMNS} FROM events ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY events.stream_id, events.stream_version LIMIT ${bind(batchSize)}`,
      params,
    );
    p.catch(() => undefined); // awaited below; this only keeps an early failure from being reported as unhandled
    return p;
  };
  const findings: ChainFinding[] = [];
  const found = (row: LedgerEventRow, kind: LedgerBreakKind, expected: string, actual: string, detail: string) => {
    if (findings.length < maxFindings) findings.push({ kind, position: row.position, transactionId: row.transaction_id, streamId: row.stream_id, expected, actual, detail });
  };
  let events = 0;
  let streams = 0;
  let streamId: string | null = null;
  let version = 0;
  let prevHash: string | null = null;
  let prevPosition = '0';
  let next = page(null);
  for (;;) {
    const rows = (await next).rows;
    if (rows.length === 0) break;
    next = rows.length < batchSize ? Promise.resolve({ rows: [] as LedgerEventRow[], rowCount: 0 }) : page(rows[rows.length - 1]!);
    const suspects: LedgerEventRow[] = [];
    for (const row of rows) {
      if (row.stream_id !== streamId) {
        streamId = row.stream_id;
        streams++;
        if (row.stream_version !== 1) {
          found(row, 'version-gap', 'version 1', `version ${row.stream_version}`, `the stream starts at version ${row.stream_version}: earlier events were deleted`);
        } else if (row.prev_hash !== null) {
          found(row, 'prev-hash-mismatch', 'null', row.prev_hash, 'the first event of a stream seals no predecessor');
        }
      } else if (row.stream_version !== version + 1) {
        found(row, 'version-gap', `version ${version + 1} (hash ${row.prev_hash})`, `version ${row.stream_version}`, 'an event of the stream was deleted');
      } else if (row.prev_hash !== prevHash) {
        found(row, 'prev-hash-mismatch', String(prevHash), String(row.prev_hash), `version ${version} was replaced: this event sealed another one`);
      } else if (compareDecimal(row.position, prevPosition) <= 0) {
        found(row, 'stream-order', `a position after ${prevPosition}`, row.position, `version ${row.stream_version} sits before version ${version} in the log: events were reordered`);
      }
      if (fastHashOfRow(row) !== row.hash) suspects.push(row);
      version = row.stream_version;
      prevHash = row.hash;
      prevPosition = row.position;
    }
    events += rows.length;
    if (suspects.length > 0) {
      for (const f of await confirmSuspects(db, suspects)) found(f.row, 'hash-mismatch', f.row.hash, f.actual, 'the stored event no longer gives its hash: its content was edited');
    }
    onProgress?.(events);
  }
  return { events, streams, findings };
}

/** Recomputes suspect hashes the reference way; returns the ones that really do not match (a fast-path miss is not a break). */
async function confirmSuspects(db: SqlExecutor, suspects: LedgerEventRow[]): Promise<{ row: LedgerEventRow; actual: string }[]> {
  const r = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position = ANY($1::bigint[])`, [suspects.map((s) => s.position)]);
  const byPosition = new Map(r.rows.map((row) => [String(row.position), row]));
  const broken: { row: LedgerEventRow; actual: string }[] = [];
  for (const row of suspects) {
    const full = byPosition.get(row.position);
    let actual: string;
    try {
      actual = full ? referenceHashOfRow(full) : 'unreadable';
    } catch (error) {
      actual = `no canonical form (${error instanceof Error ? error.message : String(error)})`;
    }
    // Appends store millisecond instants: digits below the millisecond mean the row was edited, even though
    // `rowToEnvelope` (which reads instants as Dates) cannot see them.
    const subMillisecond = row.occurred_at?.slice(23, 26) !== '000' || row.recorded_at?.slice(23, 26) !== '000';
    if (actual === row.hash && !subMillisecond) continue;
    broken.push({ row, actual: actual === row.hash ? `${actual} (timestamps altered below the millisecond)` : actual });
  }
  return broken;
}
