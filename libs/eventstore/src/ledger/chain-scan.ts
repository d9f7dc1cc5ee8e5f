import type { SqlExecutor } from '../database/sql-executor.js';
import { EVENT_COLUMNS, type EventRow } from '../event-row.js';
import type { LedgerBreakKind } from './ledger-break.js';
import { compareDecimal } from './ledger-cursor.js';
import { fastHashOfRow, LEDGER_EVENT_COLUMNS, referenceHashOfRow, type LedgerEventRow } from './stored-event-hash.js';

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

/** The columns of an event the chain links are checked on. */
export type ChainRow = Pick<LedgerEventRow, 'position' | 'transaction_id' | 'stream_id' | 'stream_version' | 'prev_hash' | 'hash'>;

/** The select list that produces a `ChainRow`. */
export const CHAIN_COLUMNS = 'position::text AS position, transaction_id::text AS transaction_id, stream_id, stream_version, prev_hash, hash';

/** Collects findings, up to a limit (all are counted by the caller's ranking, the rest dropped). */
export class ChainFindings {
  readonly list: ChainFinding[] = [];

  constructor(private readonly max = 10_000) {}

  add(row: ChainRow, kind: LedgerBreakKind, expected: string, actual: string, detail: string): void {
    if (this.list.length < this.max) this.list.push({ kind, position: row.position, transactionId: row.transaction_id, streamId: row.stream_id, expected, actual, detail });
  }
}

/**
 * The links of the stream chains, fed rows in (stream_id, stream_version) order: versions 1..n without gaps,
 * the first event sealing no predecessor, each `prevHash` naming the hash before it, and each version after
 * the one before it both by position and in the order readers consume the log, (transaction id, position): a
 * version is decided only after the one before it committed, so it has a later position and a transaction id no
 * lower. One finding per event at most, the first rule it breaks.
 */
export class ChainLinks {
  streams = 0;
  private streamId: string | null = null;
  private version = 0;
  private prevHash: string | null = null;
  private prevPosition = '0';
  private prevTransactionId = '0';

  constructor(private readonly findings: ChainFindings) {}

  next(row: ChainRow): void {
    const found = (kind: LedgerBreakKind, expected: string, actual: string, detail: string) => this.findings.add(row, kind, expected, actual, detail);
    if (row.stream_id !== this.streamId) {
      this.streamId = row.stream_id;
      this.streams++;
      if (row.stream_version !== 1) {
        found('version-gap', 'version 1', `version ${row.stream_version}`, `the stream starts at version ${row.stream_version}: earlier events were deleted`);
      } else if (row.prev_hash !== null) {
        found('prev-hash-mismatch', 'null', row.prev_hash, 'the first event of a stream seals no predecessor');
      }
    } else if (row.stream_version !== this.version + 1) {
      found('version-gap', `version ${this.version + 1} (hash ${row.prev_hash})`, `version ${row.stream_version}`, 'an event of the stream was deleted');
    } else if (row.prev_hash !== this.prevHash) {
      found('prev-hash-mismatch', String(this.prevHash), String(row.prev_hash), `version ${this.version} was replaced: this event sealed another one`);
    } else if (compareDecimal(row.position, this.prevPosition) <= 0 || compareDecimal(row.transaction_id, this.prevTransactionId) < 0) {
      found(
        'stream-order',
        `after transaction ${this.prevTransactionId}, position ${this.prevPosition}`,
        `transaction ${row.transaction_id}, position ${row.position}`,
        `version ${row.stream_version} sits before version ${this.version} in the log: events were reordered`,
      );
    }
    this.version = row.stream_version;
    this.prevHash = row.hash;
    this.prevPosition = row.position;
    this.prevTransactionId = row.transaction_id;
  }
}

/**
 * Verifies every stream chain: keyset pages in (stream_id, stream_version) order, the next page
 * requested before the current one is hashed (PostgreSQL reads while Node hashes). Each event's hash is
 * recomputed from its stored columns; a fast-path miss is re-checked the reference way (`rowToEnvelope` +
 * `eventHash`) before it is called a break. The path for databases without COPY (the embedded one); on
 * PostgreSQL the verifier streams the table instead (`copyScanChains`).
 */
export async function scanChains(
  db: SqlExecutor,
  batchSize: number,
  onProgress?: (events: number) => void,
  maxFindings = 10_000,
): Promise<ChainScanResult> {
  const page = (after: LedgerEventRow | null) => {
    const p = db.query<LedgerEventRow>(
      after === null
        ? `SELECT ${LEDGER_EVENT_COLUMNS} FROM events ORDER BY events.stream_id, events.stream_version LIMIT $1`
        : `SELECT ${LEDGER_EVENT_COLUMNS} FROM events WHERE (stream_id, stream_version) > ($2, $3) ORDER BY events.stream_id, events.stream_version LIMIT $1`,
      after === null ? [batchSize] : [batchSize, after.stream_id, after.stream_version],
    );
    p.catch(() => undefined); // awaited below; this only keeps an early failure from being reported as unhandled
    return p;
  };
  const findings = new ChainFindings(maxFindings);
  const links = new ChainLinks(findings);
  let events = 0;
  let next = page(null);
  for (;;) {
    const rows = (await next).rows;
    if (rows.length === 0) break;
    next = rows.length < batchSize ? Promise.resolve({ rows: [] as LedgerEventRow[], rowCount: 0 }) : page(rows[rows.length - 1]!);
    const suspects: LedgerEventRow[] = [];
    for (const row of rows) {
      links.next(row);
      if (fastHashOfRow(row) !== row.hash) suspects.push(row);
    }
    events += rows.length;
    if (suspects.length > 0) await reportEdits(db, suspects, findings);
    onProgress?.(events);
  }
  return { events, streams: links.streams, findings: findings.list };
}

/** Checks the chain links of the given streams only, reading them in (stream_id, stream_version) order. */
export async function checkStreams(db: SqlExecutor, streamIds: readonly string[], findings: ChainFindings, batchSize = 1000): Promise<void> {
  const sorted = [...streamIds].sort();
  for (let i = 0; i < sorted.length; i += batchSize) {
    const r = await db.query<ChainRow>(`SELECT ${CHAIN_COLUMNS} FROM events WHERE stream_id = ANY($1::text[]) ORDER BY events.stream_id, events.stream_version`, [sorted.slice(i, i + batchSize)]);
    const links = new ChainLinks(findings);
    for (const row of r.rows) links.next(row);
  }
}

/** Re-checks the events at `positions` (whose fast hash did not match) and reports the real edits. */
export async function reportEditsAt(db: SqlExecutor, positions: readonly string[], findings: ChainFindings): Promise<void> {
  for (let i = 0; i < positions.length; i += 1000) {
    const r = await db.query<LedgerEventRow>(`SELECT ${LEDGER_EVENT_COLUMNS} FROM events WHERE position = ANY($1::bigint[]) ORDER BY events.position`, [positions.slice(i, i + 1000)]);
    await reportEdits(db, r.rows, findings);
  }
}

async function reportEdits(db: SqlExecutor, suspects: LedgerEventRow[], findings: ChainFindings): Promise<void> {
  for (const f of await confirmSuspects(db, suspects)) findings.add(f.row, 'hash-mismatch', f.row.hash, f.actual, 'the stored event no longer gives its hash: its content was edited');
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
