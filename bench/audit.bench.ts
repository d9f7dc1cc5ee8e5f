/**
 * Ledger verification against a raw sequential read of the same `events` table, on real PostgreSQL.
 *
 *   npm run build && node dist/bench/audit.bench.js [--events 1000000] [--keep] [--reuse <database url>] [--workers <n>] [--only reads|replay]
 *
 * Fills a fresh database through the EventStore (real hashes and chains; streams of 1–12 events with
 * intake-sized payloads, appended by 16 concurrent writers so commit order interleaves), seals it with
 * the checkpointer, then measures:
 *  - raw read: every row through the same driver and pool, keyset pages of 10,000, default type parsing;
 *  - raw COPY read: the same rows as one binary `COPY … TO STDOUT` on one connection, split into rows;
 *  - verify: `LedgerVerifier.verify()` — every event re-hashed, every chain link, every checkpoint digest.
 *  - replay: `ProjectionReplayer.replay('triage-queue')` — the intake's real apply function over the log in
 *    commit order into a fresh table (its `SignalReceived` events; the rest of the log is filtered out in
 *    SQL), reported as events applied per second and as log events covered per second.
 * The bench runs under the Node flags of `npm run audit` (it starts itself again with them when they are missing).
 * `--reuse <url>` skips the fill and measures an existing (already sealed) bench database; `--only reads` measures
 * the reads and verify without the replay, `--only replay` the replay alone.
 */
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { NewEvent } from '#contracts';
import { sealValue } from '#security';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import {
  BINARY_EVENT_COLUMNS,
  BinaryCopyRows,
  copyEventsStatement,
  EVENT_COLUMNS,
  EventStore,
  LedgerCheckpointer,
  LedgerVerifier,
  ProjectionReplayer,
  TypeOrmDatabase,
  type EventRow,
} from '#eventstore';
import { INTAKE_MIGRATIONS } from '../apps/intake/src/intake.migrations.js';
import { TRIAGE_QUEUE_PROJECTION } from '../apps/intake/src/triage-queue/triage-queue.projection.js';
import { freshDatabase, machine, runWithNodeFlagsOf } from './bench-support.js';

// Verify and replay run in this process: with the Node flags `npm run audit` gives them.
runWithNodeFlagsOf('dist/scripts/audit.js');

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    reuse: { type: 'string' },
    keep: { type: 'boolean', default: false },
    batch: { type: 'string', default: '10000' },
    workers: { type: 'string' },
    /** Store the personal fields in the clear, as before field encryption (to measure what sealing costs). */
    plaintext: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
if (values.only !== undefined && values.only !== 'reads' && values.only !== 'replay') {
  console.error(`--only must be "reads" or "replay", not "${values.only}"`);
  process.exit(2);
}
const total = Number(values.events);
const batch = Number(values.batch);
const workers = values.workers === undefined ? availableParallelism() : Number(values.workers);

const themes = ['drugs', 'mensenhandel', 'witwassen', 'vastgoed', 'horeca'];
/** The personal fields are sealed as intake seals them (one data key per signal in the product; one here). */
const benchKey = randomBytes(32);
const benchKeyId = randomUUID();
const seal = (value: string) => (values.plaintext ? value : sealValue(benchKey, benchKeyId, value));

function payload(i: number, signalId: string): Record<string, unknown> {
  return {
    signalId,
    source: i % 3 === 0 ? 'mma' : i % 3 === 1 ? 'intern-meldpunt' : 'zorgmelding',
    receivedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    municipality: 'GM0153',
    externalRef: `EXT-${i}`,
    theme: themes[i % themes.length],
    description: seal('Vermoedelijk een hennepkwekerij op zolder; veel stroomverbruik, afgeplakte ramen en wisselende bezoekers in de avond.'),
    indicators: ['contante betalingen', 'wisselende huurders'],
    location: { municipality: 'GM0153', address: seal(`Marktstraat ${i % 200}`), postcode: seal('7511 AA'), area: 'Binnenstad' },
    involved: { kind: 'business', name: seal('Snackbar De Hoek'), kvkNumber: seal(String(10_000_000 + (i % 1000))) },
    n: i,
    specialCategory: false,
  };
}

function event(i: number, signalId: string): NewEvent {
  return {
    id: randomUUID(),
    type: i % 5 === 0 ? 'SignalReceived' : 'CaseTransitioned',
    version: 1,
    occurredAt: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
    municipality: 'GM0153',
    actor: { id: `coordinator-${i % 50}`, role: 'coordinator' },
    correlationId: randomUUID(),
    causationId: i % 2 === 0 ? randomUUID() : null,
    traceparent: `00-${randomUUID().replace(/-/g, '')}-${randomUUID().replace(/-/g, '').slice(0, 16)}-01`,
    processingActivity: 'signaalontvangst',
    legalBasis: 'AVG art. 6(1)(e) publieke taak; Gemeentewet art. 172 (openbare orde)',
    payload: payload(i, signalId),
  };
}

async function fill(db: TypeOrmDatabase): Promise<void> {
  const store = new EventStore(db);
  let next = 0;
  let written = 0;
  const t0 = performance.now();
  const writer = async () => {
    while (next < total) {
      const size = Math.min(1 + (next % 12), total - next);
      const start = next;
      next += size;
      const signalId = randomUUID();
      await store.append(`signal-${signalId}`, 0, Array.from({ length: size }, (_, j) => event(start + j, signalId)));
      written += size;
      if (written % 100_000 < size) process.stderr.write(`\r  filled ${written.toLocaleString('en')} events`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, writer));
  process.stderr.write(`\r  filled ${written.toLocaleString('en')} events in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
}

/** The cheapest read of the same rows: one binary `COPY … TO STDOUT`, split into rows, nothing done with them. */
async function rawCopyRead(url: string): Promise<{ rows: number; seconds: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const t0 = performance.now();
  let rows = 0;
  const split = new BinaryCopyRows(BINARY_EVENT_COLUMNS.length, () => rows++);
  for await (const chunk of client.query(copyTo(copyEventsStatement({ index: 0, count: 1 })))) split.push(chunk as Buffer);
  split.end();
  const seconds = (performance.now() - t0) / 1000;
  await client.end();
  return { rows, seconds };
}

async function rawRead(db: TypeOrmDatabase): Promise<{ rows: number; seconds: number }> {
  const t0 = performance.now();
  let rows = 0;
  let after = '0';
  for (;;) {
    const r = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE events.position > $1::bigint ORDER BY events.position LIMIT $2`, [after, batch]);
    if (r.rows.length === 0) break;
    rows += r.rows.length;
    after = String(r.rows[r.rows.length - 1]!.position);
  }
  return { rows, seconds: (performance.now() - t0) / 1000 };
}

const target = values.reuse ? { url: values.reuse, drop: async () => undefined } : await freshDatabase('sr_bench_audit');
const db = await TypeOrmDatabase.open({ databaseUrl: target.url, poolSize: 8 });
try {
  await db.migrate();
  console.log(`machine: ${machine()}`);
  if (!values.reuse) {
    await fill(db);
    const t0 = performance.now();
    const checkpoints = await new LedgerCheckpointer(db, { every: 1000 }).checkpointOnce({ flush: true });
    console.log(`sealed: ${checkpoints.length} checkpoints in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await db.query('VACUUM ANALYZE events');
  }
  const count = Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM events')).rows[0]!.n);
  console.log(`events: ${count.toLocaleString('en')}`);

  if (values.only !== 'replay') await measureReads(db, target.url);
  if (values.only !== 'reads') await measureReplay(db, count);
  if (values.keep && !values.reuse) console.log(`kept database: ${target.url}`);
} finally {
  await db.close();
  if (!values.keep) await target.drop();
}

/** Node CPU (all threads) in µs since `since`: unlike a rate, it hardly depends on what else the machine is doing. */
function cpuMicros(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return u.user + u.system;
}

/** Raw row read, raw COPY read and verify, each warmed the same way and the better of two runs taken. */
async function measureReads(db: TypeOrmDatabase, url: string): Promise<void> {
  const raws: number[] = [];
  const copies: number[] = [];
  const verifies: number[] = [];
  const cpu = { raw: Infinity, copy: Infinity, verify: Infinity };
  let last;
  for (let round = 0; round < 2; round++) {
    let c0 = process.cpuUsage();
    const raw = await rawRead(db);
    raws.push(raw.rows / raw.seconds);
    cpu.raw = Math.min(cpu.raw, cpuMicros(c0) / raw.rows);
    c0 = process.cpuUsage();
    const copied = await rawCopyRead(url);
    copies.push(copied.rows / copied.seconds);
    cpu.copy = Math.min(cpu.copy, cpuMicros(c0) / copied.rows);
    c0 = process.cpuUsage();
    const t0 = performance.now();
    last = await new LedgerVerifier(db, { batchSize: batch, parallel: { databaseUrl: url, workers } }).verify();
    verifies.push(last.eventsChecked / ((performance.now() - t0) / 1000));
    cpu.verify = Math.min(cpu.verify, cpuMicros(c0) / last.eventsChecked);
  }
  const raw = Math.max(...raws);
  const verify = Math.max(...verifies);
  console.log(`raw sequential read: ${Math.round(raw).toLocaleString('en')} events/s, ${cpu.raw.toFixed(1)} µs Node CPU per event`);
  console.log(`raw COPY read:       ${Math.round(Math.max(...copies)).toLocaleString('en')} events/s, ${cpu.copy.toFixed(1)} µs Node CPU per event (binary COPY split into rows, one connection)`);
  console.log(`verify:              ${Math.round(verify).toLocaleString('en')} events/s, ${cpu.verify.toFixed(1)} µs Node CPU per event (ok=${last!.ok}, ${last!.checkpointsChecked} checkpoints, ${last!.streamsChecked.toLocaleString('en')} streams, ${workers} worker thread(s))`);
  console.log(`ratio raw/verify:    ${(raw / verify).toFixed(2)}`);
}

async function measureReplay(db: TypeOrmDatabase, count: number): Promise<void> {
  // Replay of the triage queue into a fresh table (the live one stays empty here: only the rate counts).
  const exists = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_tables WHERE tablename = 'triage_queue'`);
  if (exists.rows[0]!.n === '0') {
    for (const M of INTAKE_MIGRATIONS) await (new (M as new () => { up(q: unknown): Promise<void> })()).up({ query: (sql: string) => db.query(sql) });
  }
  const c0 = process.cpuUsage();
  const replayed = await new ProjectionReplayer(db, [TRIAGE_QUEUE_PROJECTION]).replay('triage-queue', { batchSize: batch });
  const applied = replayed.eventsRead;
  console.log(`replay triage-queue: ${replayed.eventsPerSecond.toLocaleString('en')} events applied/s (${applied.toLocaleString('en')} SignalReceived in ${(replayed.durationMs / 1000).toFixed(1)} s), ${Math.round(count / (replayed.durationMs / 1000)).toLocaleString('en')} log events covered/s, ${cpuMicros(c0) / applied < Infinity ? (cpuMicros(c0) / applied).toFixed(1) : '-'} µs Node CPU per applied event (incl. compare)`);
}
