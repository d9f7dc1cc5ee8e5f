import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import type { SqlExecutor } from '../database/sql-executor.js';
import { scanChains, type ChainFinding, type ChainScanResult } from './chain-scan.js';
import { copyScanChains, type StreamPart } from './copy-chain-scan.js';
import { START_CURSOR, type ReadCursor } from '../event-store.js';
import type { LedgerAnchor, LedgerBreak, LedgerVerification } from './ledger-break.js';
import { checkpointHash, digestLine, linesDigest, loadCheckpoints, loadLines, parseLines, type LedgerCheckpoint, type SealedEntry } from './ledger-checkpoint.js';
import { compareCursor, compareDecimal, formatCursor } from './ledger-cursor.js';

export interface LedgerVerifyOptions {
  /** Rows per page of each scan. */
  batchSize?: number;
  /** Breaks kept in the answer (all are counted). */
  maxBreaks?: number;
  /** Checkpoint hashes recorded earlier; each must still be in the chain, unchanged. */
  anchors?: readonly LedgerAnchor[];
  /** Called after every page with the events checked so far and an estimate of the total. */
  onProgress?: (eventsChecked: number, totalEstimate: number) => void;
  /**
   * PostgreSQL only: stream the events with `COPY … TO STDOUT` on connections of their own to
   * `databaseUrl` (`copyScanChains`), split by stream over `workers` worker threads so hashing runs on
   * several cores (one pass in this thread for small ledgers, for `workers: 1`, and where the compiled
   * worker is not available, e.g. under ts-jest). Without it: keyset pages through `db` (`scanChains`).
   */
  parallel?: { databaseUrl: string; workers: number };
}

/** Runs one chain-scan worker to completion. */
function runWorker(file: URL, job: { databaseUrl: string; part: StreamPart }, onProgress: (events: number) => void): Promise<ChainScanResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: job });
    let result: ChainScanResult | null = null;
    worker.on('message', (m: { progress?: number; result?: ChainScanResult }) => {
      if (m.progress !== undefined) onProgress(m.progress);
      if (m.result) result = m.result;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => (result ? resolve(result) : reject(new Error(`ledger chain-scan worker stopped with exit code ${code}`))));
  });
}

interface CommitRow {
  t: string;
  p: string;
  h: string;
}

interface RankedBreak {
  /** Index of the sealed range holding the break (checkpoints.length for the unsealed tail). */
  range: number;
  /** At the same position, an event-level finding (from the stream chain) comes before the range-level one. */
  level: 0 | 1;
  brk: LedgerBreak;
}

/**
 * Verifies the whole ledger against itself and its checkpoint chain:
 *
 * 1. every stream's hash chain, in (stream_id, stream_version) order: each event's hash recomputed from its
 *    stored columns, each `prevHash` against the event before it, versions 1..n without gaps, commit
 *    positions rising with the version;
 * 2. the checkpoint chain: seq 1..n, contiguous ranges, each `prevCheckpointHash` and `checkpointHash`;
 * 3. every sealed range in commit order: the events now in it against the range's sealed lines
 *    (transaction id, position, hash) — itself checked against the digest — and that the ledger still
 *    reaches the end of the newest range.
 *
 * Scans 1 and 3 run at once. On PostgreSQL (`parallel`) scan 1 is one binary `COPY … TO STDOUT` pass per
 * worker thread (`copyScanChains`), and scan 3 is first made by PostgreSQL itself: per range the count,
 * the sha256 of the current lines and the last cursor, compared with what the checkpoint sealed; only when
 * something differs are the ranges compared row by row, which names each finding. Elsewhere both scans
 * read keyset-paginated batches, the next page requested before the current one is hashed. The answer
 * names the first break in ledger order: the earliest sealed range with a finding, and in it the lowest
 * position.
 */
export class LedgerVerifier {
  private readonly batchSize: number;
  private readonly maxBreaks: number;

  constructor(
    private readonly db: SqlExecutor,
    private readonly options: LedgerVerifyOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 10_000;
    this.maxBreaks = options.maxBreaks ?? 100;
  }

  async verify(): Promise<LedgerVerification> {
    const started = performance.now();
    const run = new VerificationRun(this.maxBreaks);
    const checkpoints = await loadCheckpoints(this.db);
    run.checkpoints = checkpoints;
    const estimate = await this.estimateEvents();
    this.checkCheckpointChain(run);
    this.checkAnchors(run);
    const [chains, sealed] = await Promise.all([this.scanAllChains(run, estimate), this.scanSealedRanges(run)]);
    const head = checkpoints[checkpoints.length - 1];
    const notYetSealed = head ? await this.countAfter(head.to) : chains.events;
    const breaks = run.sortedBreaks();
    await this.nameStreams(breaks);
    const durationMs = performance.now() - started;
    return {
      ok: run.breakCount === 0,
      eventsChecked: chains.events,
      streamsChecked: chains.streams,
      checkpointsChecked: checkpoints.length,
      eventsSealed: sealed,
      eventsNotYetSealed: notYetSealed,
      head: head ? { seq: head.seq, hash: head.checkpointHash, toPosition: head.to.position, createdAt: head.createdAt } : null,
      firstBreak: breaks[0] ?? null,
      breaks,
      breakCount: run.breakCount,
      durationMs: Math.round(durationMs),
      eventsPerSecond: durationMs > 0 ? Math.round(chains.events / (durationMs / 1000)) : 0,
    };
  }

  /** Sealed lines do not name streams: find them by hash (a deleted event through its successor's `prev_hash`). */
  private async nameStreams(breaks: LedgerBreak[]): Promise<void> {
    const open = breaks.filter((b) => b.streamId === null && b.hash !== undefined).slice(0, 20);
    if (open.length === 0) return;
    const r = await this.db.query<{ hash: string; prev_hash: string | null; stream_id: string }>(
      'SELECT hash, prev_hash, stream_id FROM events WHERE hash = ANY($1::text[]) OR prev_hash = ANY($1::text[])',
      [open.map((b) => b.hash)],
    );
    for (const b of open) {
      const row = r.rows.find((x) => x.hash === b.hash) ?? r.rows.find((x) => x.prev_hash === b.hash);
      if (row) b.streamId = row.stream_id;
    }
  }

  private async estimateEvents(): Promise<number> {
    const r = await this.db.query<{ n: string | number | null }>(
      `SELECT greatest(
         (SELECT coalesce(sum(event_count), 0) FROM ledger_checkpoints),
         (SELECT coalesce(max(reltuples), 0)::bigint FROM pg_class WHERE oid = 'events'::regclass)
       ) AS n`,
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  private async countAfter(cursor: ReadCursor): Promise<number> {
    const r = await this.db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM events WHERE (transaction_id, position) > ($1::xid8, $2::bigint)',
      [cursor.transactionId, cursor.position],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  private checkCheckpointChain(run: VerificationRun): void {
    let prev: LedgerCheckpoint | null = null;
    for (const [i, c] of run.checkpoints.entries()) {
      const fail = (expected: string, actual: string, detail: string) =>
        run.add({ range: i, level: 1, brk: { kind: 'checkpoint-chain-broken', position: c.to.position, streamId: null, expected, actual, checkpointSeq: c.seq, detail } });
      const expectedFrom = prev ? prev.to : START_CURSOR;
      if (c.seq !== i + 1) fail(`seq ${i + 1}`, `seq ${c.seq}`, 'checkpoint sequence numbers must run 1..n without gaps');
      else if (compareCursor(c.from, expectedFrom) !== 0) fail(formatCursor(expectedFrom), formatCursor(c.from), 'a checkpoint range must start where the previous one ended');
      else if (compareCursor(c.to, c.from) <= 0 || c.eventCount < 1) fail('a non-empty range', `${formatCursor(c.from)}..${formatCursor(c.to)} with ${c.eventCount} events`, 'empty checkpoint range');
      else if (c.prevCheckpointHash !== (prev?.checkpointHash ?? null)) fail(String(prev?.checkpointHash ?? null), String(c.prevCheckpointHash), 'the checkpoint does not seal its predecessor');
      else {
        const recomputed = checkpointHash(c);
        if (recomputed !== c.checkpointHash) fail(c.checkpointHash, recomputed, 'the checkpoint row was altered after it was sealed');
      }
      prev = c;
    }
  }

  private checkAnchors(run: VerificationRun): void {
    for (const anchor of this.options.anchors ?? []) {
      const index = run.checkpoints.findIndex((c) => c.seq === anchor.seq);
      const c = run.checkpoints[index];
      if (!c) {
        run.add({
          range: run.checkpoints.length,
          level: 1,
          brk: { kind: 'anchor-mismatch', position: null, streamId: null, expected: `checkpoint ${anchor.seq} with hash ${anchor.hash}`, actual: `no checkpoint ${anchor.seq} (the chain ends at ${run.checkpoints.length})`, checkpointSeq: anchor.seq, detail: 'a checkpoint recorded earlier is gone: the ledger was truncated or rebuilt' },
        });
      } else if (c.checkpointHash !== anchor.hash) {
        run.add({
          range: index,
          level: 1,
          brk: { kind: 'anchor-mismatch', position: c.to.position, streamId: null, expected: anchor.hash, actual: c.checkpointHash, checkpointSeq: c.seq, detail: 'the checkpoint differs from the hash recorded earlier: the chain was rewritten' },
        });
      }
    }
  }

  /** The stream chains: streamed with COPY (in worker threads or this one) on PostgreSQL, else in keyset pages through `db`. */
  private async scanAllChains(run: VerificationRun, estimate: number): Promise<{ events: number; streams: number }> {
    const progress: number[] = [];
    const report = () => {
      const events = progress.reduce((a, b) => a + b, 0);
      this.options.onProgress?.(events, Math.max(estimate, events));
    };
    const onProgress = (i: number) => (events: number) => {
      progress[i] = events;
      report();
    };
    const parallel = this.options.parallel;
    const workerFile = new URL('./chain-scan.worker.js', import.meta.url);
    let results: ChainScanResult[];
    if (parallel && parallel.workers > 1 && estimate >= 20_000 && existsSync(fileURLToPath(workerFile))) {
      const count = parallel.workers;
      results = await Promise.all(Array.from({ length: count }, (_, index) => runWorker(workerFile, { databaseUrl: parallel.databaseUrl, part: { index, count } }, onProgress(index))));
    } else if (parallel) {
      const client = new pg.Client({ connectionString: parallel.databaseUrl, application_name: 'signaalroute-ledger-verify' });
      await client.connect();
      try {
        results = [await copyScanChains(client, { index: 0, count: 1 }, onProgress(0))];
      } finally {
        await client.end();
      }
    } else {
      results = [await scanChains(this.db, this.batchSize, onProgress(0))];
    }
    for (const r of results) for (const f of r.findings) run.event(f);
    return { events: results.reduce((n, r) => n + r.events, 0), streams: results.reduce((n, r) => n + r.streams, 0) };
  }

  /**
   * True when every sealed range still holds exactly what it sealed, computed by PostgreSQL: per checkpoint,
   * the number of events now in its range, the sha256 of their lines, the last event's cursor, and the
   * sha256 of the stored lines. Equal counts, digests and ends mean the range compares equal row by row
   * (`compareSealedRanges` would find nothing), without sending a row to Node. Only for an intact
   * checkpoint chain (contiguous ranges); anything else is left to the row-by-row comparison.
   */
  private async sealedRangesIntact(run: VerificationRun): Promise<boolean> {
    if (run.breakCount > 0) return false;
    const range = `(e.transaction_id, e.position) > (c.from_transaction_id, c.from_position) AND (e.transaction_id, e.position) <= (c.to_transaction_id, c.to_position)`;
    const r = await this.db.query<{ seq: string; n: number; digest: string; last_t: string | null; last_p: string | null; lines_digest: string | null }>(
      `SELECT c.seq::text AS seq, s.n, s.digest, l.t AS last_t, l.p AS last_p, encode(sha256(convert_to(c.lines, 'UTF8')), 'hex') AS lines_digest
         FROM ledger_checkpoints c
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS n,
                 encode(sha256(convert_to(coalesce(string_agg(e.transaction_id::text || ':' || e.position::text || ':' || e.hash || E'\\n', '' ORDER BY e.transaction_id, e.position), ''), 'UTF8')), 'hex') AS digest
            FROM events e WHERE ${range}) s
         LEFT JOIN LATERAL (
          SELECT e.transaction_id::text AS t, e.position::text AS p FROM events e WHERE ${range} ORDER BY e.transaction_id DESC, e.position DESC LIMIT 1) l ON true
        ORDER BY c.seq`,
    );
    const cps = run.checkpoints;
    if (r.rows.length !== cps.length) return false;
    return r.rows.every((row, i) => {
      const c = cps[i]!;
      return row.seq === String(c.seq) && row.n === c.eventCount && row.digest === c.digest && row.lines_digest === c.digest && row.last_t === c.to.transactionId && row.last_p === c.to.position;
    });
  }

  /**
   * Compares each sealed range with the events now in it, in commit order, up to the end of the newest
   * checkpoint: when PostgreSQL's digests show every range intact, at once (`sealedRangesIntact`); else row
   * by row. A range whose text equals its stored lines is intact; otherwise the two lists are compared
   * entry by entry to name each deleted, moved, rewritten or inserted event.
   */
  private async scanSealedRanges(run: VerificationRun): Promise<number> {
    const cps = run.checkpoints;
    const head = cps[cps.length - 1];
    if (!head) return 0;
    if (await this.sealedRangesIntact(run)) return cps.reduce((n, c) => n + c.eventCount, 0);
    const lines = new SealedLines(this.db, cps);
    const page = (after: ReadCursor) => {
      const p = this.db.query<CommitRow>(
        `SELECT transaction_id::text AS t, position::text AS p, hash AS h FROM events
          WHERE (transaction_id, position) > ($1::xid8, $2::bigint) AND (transaction_id, position) <= ($3::xid8, $4::bigint)
          ORDER BY events.transaction_id, events.position LIMIT $5`,
        [after.transactionId, after.position, head.to.transactionId, head.to.position, this.batchSize],
      );
      p.catch(() => undefined);
      return p;
    };
    let k = 0;
    let current = '';
    let rowsInRange: CommitRow[] = [];
    let last: ReadCursor | null = null;
    const closed: { index: number; text: string; rows: CommitRow[] }[] = [];
    let next = page(START_CURSOR);
    for (;;) {
      const rows = (await next).rows;
      if (rows.length === 0) break;
      const tail = rows[rows.length - 1]!;
      next = rows.length < this.batchSize ? Promise.resolve({ rows: [], rowCount: 0 }) : page({ transactionId: tail.t, position: tail.p });
      for (const row of rows) {
        const cursor = { transactionId: row.t, position: row.p };
        while (compareCursor(cursor, cps[k]!.to) > 0) {
          closed.push({ index: k++, text: current, rows: rowsInRange });
          current = '';
          rowsInRange = [];
        }
        current += digestLine(row.t, row.p, row.h);
        rowsInRange.push(row);
        last = cursor;
      }
      for (const c of closed.splice(0)) await this.compareRange(run, lines, c.index, c.text, c.rows, null);
    }
    const end = last;
    if (end !== null && compareCursor(end, cps[k]!.to) === 0) {
      await this.compareRange(run, lines, k, current, rowsInRange, null);
      if (k === cps.length - 1) return cps.reduce((n, c) => n + c.eventCount, 0);
      k++;
      current = '';
      rowsInRange = [];
    }
    // The ledger stops short of the newest checkpoint's end: range k, where it stops, and every later one lost their tail.
    await this.compareRange(run, lines, k, current, rowsInRange, end ?? 'start');
    return cps.reduce((n, c) => n + c.eventCount, 0);
  }

  /**
   * Compares range `index` with the events now in it (`rows`, and `text`: their lines). `truncatedAfter` is
   * set when the ledger ends inside (or before) this range: the last surviving cursor, or `'start'`.
   */
  private async compareRange(run: VerificationRun, lines: SealedLines, index: number, text: string, rows: CommitRow[], truncatedAfter: ReadCursor | 'start' | null): Promise<void> {
    const c = run.checkpoints[index]!;
    const stored = await lines.get(c.seq);
    const truncating = truncatedAfter !== null;
    if (stored === null || linesDigest(stored) !== c.digest) {
      run.add({ range: index, level: 1, brk: { kind: 'checkpoint-chain-broken', position: c.to.position, streamId: null, expected: c.digest, actual: stored === null ? 'no lines' : linesDigest(stored), checkpointSeq: c.seq, detail: 'the sealed lines of this checkpoint were altered: events in its range cannot be located' } });
      return;
    }
    // Equal counts make equal texts mean equal lists (a stored hash with a newline in it cannot pose as two lines).
    if (!truncating && rows.length === c.eventCount && text === stored) return;
    const sealed = parseLines(stored);
    if (sealed === null || sealed.length !== c.eventCount) {
      run.add({ range: index, level: 1, brk: { kind: 'checkpoint-chain-broken', position: c.to.position, streamId: null, expected: `${c.eventCount} well-formed lines`, actual: sealed === null ? 'malformed lines' : `${sealed.length} lines`, checkpointSeq: c.seq, detail: 'the checkpoint was written inconsistently' } });
      return;
    }
    const now = rows.map((r) => ({ transactionId: r.t, position: r.p, hash: r.h }));
    let expected = sealed;
    if (truncating) {
      // Entries after the cut are the truncated tail (reported once); the ones before it are compared as usual.
      const kept = truncatedAfter === 'start' ? [] : sealed.filter((e) => compareCursor(e, truncatedAfter!) <= 0);
      const lost = sealed.length - kept.length + run.checkpoints.slice(index + 1).reduce((n, x) => n + x.eventCount, 0);
      const first = sealed[kept.length] ?? sealed[sealed.length - 1]!;
      run.add({
        range: index,
        level: 1,
        brk: {
          kind: 'truncated',
          position: first.position,
          streamId: null,
          expected: `events up to ${formatCursor(run.checkpoints[run.checkpoints.length - 1]!.to)} (checkpoint ${run.checkpoints.length})`,
          actual: truncatedAfter === 'start' ? 'no events' : `the ledger ends at ${formatCursor(truncatedAfter!)}`,
          checkpointSeq: c.seq,
          detail: `${lost} sealed event(s) from position ${first.position} (hash ${first.hash}) on are gone: the tail was removed`,
        },
      });
      expected = kept;
    }
    for (const brk of compareEntries(expected, now)) run.add({ range: index, level: 1, brk: { ...brk, checkpointSeq: c.seq } });
  }
}

/** Lines of sealed ranges, fetched in chunks of checkpoints as the commit-order scan reaches them. */
class SealedLines {
  private chunk = new Map<number, string>();
  private static readonly CHUNK = 100;

  constructor(
    private readonly db: SqlExecutor,
    private readonly checkpoints: LedgerCheckpoint[],
  ) {}

  async get(seq: number): Promise<string | null> {
    if (!this.chunk.has(seq)) {
      const first = seq;
      const last = Math.min(seq + SealedLines.CHUNK - 1, this.checkpoints[this.checkpoints.length - 1]?.seq ?? seq);
      this.chunk = await loadLines(this.db, first, last);
    }
    return this.chunk.get(seq) ?? null;
  }
}

const key = (e: SealedEntry): string => `${e.transactionId}:${e.position}`;

/** Names every difference between what a range sealed and what it holds now. */
export function compareEntries(sealed: readonly SealedEntry[], now: readonly SealedEntry[]): LedgerBreak[] {
  const nowByHash = new Map(now.map((e) => [e.hash, e]));
  const nowByPlace = new Map(now.map((e) => [key(e), e]));
  const sealedHashes = new Set(sealed.map((e) => e.hash));
  const sealedPlaces = new Set(sealed.map(key));
  const found: LedgerBreak[] = [];
  for (const e of sealed) {
    const moved = nowByHash.get(e.hash);
    if (moved) {
      if (key(moved) !== key(e)) {
        found.push({ kind: 'reordered', position: e.position, streamId: null, hash: e.hash, expected: `event ${e.hash} at ${key(e)}`, actual: `at ${key(moved)}`, detail: 'a sealed event moved to another place in the commit order' });
      }
      continue;
    }
    const there = nowByPlace.get(key(e));
    if (there) {
      found.push({ kind: 'rewritten', position: e.position, streamId: null, hash: there.hash, expected: e.hash, actual: there.hash, detail: 'the sealed event at this place was replaced by one with another hash (edited, hashes recomputed)' });
    } else {
      found.push({ kind: 'deleted', position: e.position, streamId: null, hash: e.hash, expected: `event ${e.hash}`, actual: 'no event', detail: 'a sealed event was deleted' });
    }
  }
  for (const e of now) {
    if (!sealedHashes.has(e.hash) && !sealedPlaces.has(key(e))) {
      found.push({ kind: 'inserted', position: e.position, streamId: null, hash: e.hash, expected: 'no event', actual: `event ${e.hash}`, detail: 'an event sits in a sealed range it was not sealed in' });
    }
  }
  return found;
}

/** The findings of one verification, ordered by where they are in the ledger. */
class VerificationRun {
  checkpoints: LedgerCheckpoint[] = [];
  breakCount = 0;
  private breaks: RankedBreak[] = [];

  constructor(private readonly maxBreaks: number) {}

  add(b: RankedBreak): void {
    this.breakCount++;
    this.breaks.push(b);
    if (this.breaks.length > this.maxBreaks * 10 + 1000) this.breaks = this.sorted().slice(0, this.maxBreaks);
  }

  event(f: ChainFinding): void {
    const range = this.rangeOf({ transactionId: f.transactionId, position: f.position });
    const checkpointSeq = range < this.checkpoints.length ? { checkpointSeq: this.checkpoints[range]!.seq } : {};
    this.add({ range, level: 0, brk: { kind: f.kind, position: f.position, streamId: f.streamId, expected: f.expected, actual: f.actual, ...checkpointSeq, detail: f.detail } });
  }

  sortedBreaks(): LedgerBreak[] {
    return this.sorted().slice(0, this.maxBreaks).map((b) => b.brk);
  }

  private sorted(): RankedBreak[] {
    return [...this.breaks].sort((a, b) => a.range - b.range || compareDecimal(a.brk.position ?? '0', b.brk.position ?? '0') || a.level - b.level);
  }

  /** Index of the first checkpoint whose range ends at or after `cursor` (binary search). */
  private rangeOf(cursor: ReadCursor): number {
    let lo = 0;
    let hi = this.checkpoints.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareCursor(this.checkpoints[mid]!.to, cursor) >= 0) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
