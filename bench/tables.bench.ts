/**
 * Tables: end-to-end latency at a steady signal rate, intake → case → referral → the table's topic, against
 * the whole product running as a child process on real PostgreSQL and Kafka.
 *
 *   npm run build && node dist/bench/tables.bench.js [--rate 200] [--duration 10] [--process all|split] [--node-args='…'] [--idle <seconds>]
 *
 * `--process all` runs the whole product in one Node process (the embedded default's layout, one core for
 * all Node work); `split` runs intake, router and tables as three processes on the same database and topics,
 * as they are deployed.
 *
 * Each flow, started on a fixed schedule (`--rate` per second, open loop): an MMA tip through intake (t0 =
 * its 201), a coordinator opens an `ondermijning-intake` case once the router knows the signal, takes the
 * four transitions to `besluit-riec` and refers the case to the RIEC (t1 = that 200); a kafkajs consumer
 * on `signaalroute.tables.riec.v1` stamps the referral's arrival (t2). Reported: t2 − t0 (the issue's
 * figure; it includes the five coordinator requests) and t2 − t1 (the tables app's own part: case event on
 * Kafka → consume → minimise → outbox → table topic), p50/p95/p99, with the machine. A request answered 503
 * with `Retry-After` (the product refusing work its database cannot keep up with) is sent again after it, as
 * a client would, and counted: the flow's latency includes the wait.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { TOPICS } from '#contracts';
import { fixIdleTimerLoop } from '#messaging';
import { issueToken, SigningKeys } from '#security';
import { ROUTER_SIGNALS_CONSUMER } from '../apps/router/src/signals/router-signals.projection.js';
import { CASE_EVENTS_CONSUMER } from '../apps/tables/src/case-events/case-events.consumer.js';
import { sendJson, header } from './json-client.js';
import { cpuByProcess, cpuSplit, freshDatabase, KAFKA_BROKERS, machine, machineCpuMs, microsPer, pct, startProduct } from './bench-support.js';

const { values } = parseArgs({
  options: { rate: { type: 'string', default: '200' }, duration: { type: 'string', default: '10' }, process: { type: 'string', default: 'all' }, 'node-args': { type: 'string', default: '' }, idle: { type: 'string', default: '0' } },
});
if (values.process !== 'all' && values.process !== 'split') throw new Error('--process must be all or split');
const rate = Number(values.rate);
const duration = Number(values.duration);
const MUNICIPALITY = 'GM0153';
const RIEC_TOPIC = 'signaalroute.tables.riec.v1';

/** 503 answers (a queue in front of the database full or stalled) that the flows sent again after `Retry-After`, as a client does. */
let retriedAfter503 = 0;

async function post(url: string, token: string, path: string, body: unknown, etag?: string): Promise<{ status: number; body: any; etag: string | null }> {
  for (;;) {
    const res = await sendJson('POST', `${url}${path}`, { authorization: `Bearer ${token}`, ...(etag ? { 'if-match': etag } : {}) }, body);
    const answer = { status: res.status, body: res.body, etag: header(res, 'etag') };
    const retryAfter = Number(header(res, 'retry-after'));
    if (res.status !== 503 || !(retryAfter > 0)) return answer;
    retriedAfter503++;
    await new Promise((r) => setTimeout(r, retryAfter * 1000));
  }
}

const arrivals = new Map<string, number>();
const waiting = new Map<string, (at: number) => void>();
function arrival(referralId: string, timeoutMs = 60_000): Promise<number> {
  const known = arrivals.get(referralId);
  if (known !== undefined) return Promise.resolve(known);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`referral ${referralId} did not arrive`)), timeoutMs);
    waiting.set(referralId, (at) => {
      clearTimeout(timer);
      resolve(at);
    });
  });
}

/**
 * Resolves when the router's signal read model has the signal, so the case is opened as soon as it can be.
 * One query every 5 ms for all flows waiting (instead of every flow retrying `POST /v1/cases`, which at a
 * lagging router multiplies the request rate and starves the consumers being measured).
 */
const knownWaiters = new Map<string, () => void>();
function routerKnows(signalId: string, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      knownWaiters.delete(signalId);
      reject(new Error(`the router did not learn signal ${signalId}`));
    }, timeoutMs);
    knownWaiters.set(signalId, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
async function watchRouterSignals(url: string): Promise<() => Promise<void>> {
  const watchSignals = new pg.Client({ connectionString: url });
  await watchSignals.connect();
  let running = true;
  const loop = (async () => {
    while (running) {
      if (knownWaiters.size > 0) {
        const r = await watchSignals.query<{ id: string }>('SELECT signal_id::text AS id FROM router_signals WHERE signal_id = ANY($1::uuid[]) AND source IS NOT NULL', [[...knownWaiters.keys()]]);
        for (const { id } of r.rows) {
          knownWaiters.get(id)?.();
          knownWaiters.delete(id);
        }
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return async () => {
    running = false;
    await loop;
    await watchSignals.end();
  };
}

const STEPS = [
  { transition: 'start-weging' },
  { transition: 'ondermijnend' },
  { transition: 'gemeentelijke-taak' },
  { transition: 'besluit-riec', reason: 'Concreet, recent, boven de eigen mogelijkheden (bench)' },
];

/** Referral id → when its referral left the bench's own view (the arrival on the RIEC topic). */
const arrivedAt = (referralId: string) => arrivals.get(referralId);

interface FlowTimes {
  total: number;
  tables: number;
  /** intake 201 → the case's 201 (the router's signal read model knows the signal by then). */
  open: number;
  /** intake 201 → the bench sees the signal in the router's read model. */
  known: number;
  /** the case's 201 → the referral's 200: four transitions and the referral, one after another. */
  requests: number;
  signalId: string;
  referralId: string;
}

/** Where the flow sends its requests: intake (signals) and router (cases); the same URL for `--process all`. */
interface Urls {
  intake: string;
  router: string;
}

async function flow({ intake, router: url }: Urls, token: string): Promise<FlowTimes> {
  const signal = await post(intake, token, '/v1/signals/mma', {
    externalRef: `MMA-${randomUUID()}`, receivedAt: new Date(Date.now() - 60_000).toISOString(), theme: 'drugs',
    description: 'Vermoedelijk hennepkwekerij op zolder; veel stroomverbruik en geur.', location: { municipality: MUNICIPALITY, area: 'Binnenstad' },
  });
  if (signal.status !== 201) throw new Error(`signal: ${signal.status} ${JSON.stringify(signal.body)}`);
  const t0 = Date.now();
  await routerKnows(signal.body.signalId);
  const tKnown = Date.now();
  let opened;
  for (;;) {
    opened = await post(url, token, '/v1/cases', { model: 'ondermijning-intake', signalIds: [signal.body.signalId] });
    if (opened.status === 201) break;
    if (opened.body?.code !== 'CASE.SIGNAL_UNKNOWN' || Date.now() - t0 > 30_000) throw new Error(`open case: ${opened.status} ${JSON.stringify(opened.body)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const tOpen = Date.now();
  const caseId: string = opened.body.caseId;
  let etag = opened.etag!;
  for (const step of STEPS) {
    const moved = await post(url, token, `/v1/cases/${caseId}/transitions`, step, etag);
    if (moved.status !== 200) throw new Error(`${step.transition}: ${moved.status} ${JSON.stringify(moved.body)}`);
    etag = moved.etag!;
  }
  const referred = await post(url, token, `/v1/cases/${caseId}/referrals`, { table: 'riec', reason: 'Ondermijning (bench)' }, etag);
  if (referred.status !== 200) throw new Error(`referral: ${referred.status} ${JSON.stringify(referred.body)}`);
  const t1 = Date.now();
  const referralId: string = referred.body.referrals.at(-1).referralId;
  const t2 = await arrival(referralId);
  return { total: t2 - t0, tables: t2 - t1, open: tOpen - t0, known: tKnown - t0, requests: t1 - tOpen, signalId: signal.body.signalId, referralId };
}

/**
 * How busy the machine was over the flows' window, and — with --idle — the CPU a flow added to the idle machine.
 * A machine near 100 % busy is saturated: its CPU per flow is then the window's capacity divided by the flows, not
 * what a flow costs, and comparing it between runs shows nothing; compare the added CPU at a rate well below that.
 */
function machineLoad(before: number | null, after: number | null, windowMs: number, flows: number, idleMsPerSecond: number | null): string {
  if (before === null || after === null || windowMs <= 0) return '';
  const busy = (after - before) / (windowMs * cpus().length);
  const added = idleMsPerSecond === null ? '' : `; over the idle machine, ${microsPer(after - before - (idleMsPerSecond * windowMs) / 1000, flows)} µs per flow`;
  return ` (the machine ${Math.round(busy * 100)} % busy over the ${(windowMs / 1000).toFixed(1)} s from the first flow to the last arrival${added})`;
}

// The bench's own kafkajs consumers get the product's fix for kafkajs' idle timer spin (less noise on the box).
fixIdleTimerLoop();
const db = await freshDatabase();
const clientId = `sr-bench-${randomUUID().slice(0, 8)}`;
const kafka = new Kafka({ clientId: `${clientId}-bench`, brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
const productEnv = { DATABASE_URL: db.url, KAFKA_BROKERS, KAFKA_CLIENT_ID: clientId, DATABASE_POOL_SIZE: '20' };
/** Extra Node flags for every product process (after its start script's), e.g. `--cpu-prof --cpu-prof-dir=…`. */
const nodeArgs = values['node-args'].split(' ').filter(Boolean);
const product = await startProduct(productEnv, values.process === 'all' ? undefined : 'dist/apps/intake/src/main.js', nodeArgs);
// Split: router and tables in processes of their own, sharing the first one's data dir (keys) and topics.
const others =
  values.process === 'all'
    ? []
    : [
        await startProduct({ ...productEnv, SIGNAALROUTE_DATA_DIR: product.dataDir, KAFKA_TOPIC_PREFIX: product.topicPrefix }, 'dist/apps/router/src/main.js', nodeArgs),
        await startProduct({ ...productEnv, SIGNAALROUTE_DATA_DIR: product.dataDir, KAFKA_TOPIC_PREFIX: product.topicPrefix }, 'dist/apps/tables/src/main.js', nodeArgs),
      ];
const urls: Urls = { intake: product.url, router: others[0]?.url ?? product.url };
const consumer = kafka.consumer({ groupId: `${clientId}.probe`, maxWaitTimeInMs: 500 });
// When each flow's SignalReceived and CaseReferred were sent to Kafka (the relays' part of each hop).
const sentAt = new Map<string, number>();
/** How long the bench's own consumer took to see each CaseReferred after it was sent (the broker's part). */
const probeLag: number[] = [];
const hops = kafka.consumer({ groupId: `${clientId}.probe-hops`, maxWaitTimeInMs: 500 });
const stopWatching = await watchRouterSignals(db.url);
try {
  const token = await issueToken({ role: 'coordinator', municipalities: [MUNICIPALITY], subject: 'bench' }, await SigningKeys.loadOrCreate(product.dataDir));
  await consumer.connect();
  await consumer.subscribe({ topics: [`${product.topicPrefix}${RIEC_TOPIC}`], fromBeginning: false });
  const ready = new Promise<void>((resolve) => {
    const remove = consumer.on(consumer.events.FETCH, () => {
      remove();
      resolve();
    });
  });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = Date.now();
      const referralId = (message.key?.toString('utf8') ?? '').replace(/^referral-/, '');
      arrivals.set(referralId, at);
      waiting.get(referralId)?.(at);
      waiting.delete(referralId);
    },
  });
  await ready;
  await hops.connect();
  await hops.subscribe({ topics: [TOPICS.signals, TOPICS.cases].map((t) => `${product.topicPrefix}${t}`), fromBeginning: false });
  await hops.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString('utf8')) as { type: string; payload: Record<string, unknown> };
      if (event.type === 'SignalReceived') sentAt.set(`signal:${event.payload.signalId}`, Number(message.timestamp));
      if (event.type === 'CaseReferred') {
        sentAt.set(`referral:${event.payload.referralId}`, Number(message.timestamp));
        probeLag.push(Date.now() - Number(message.timestamp));
      }
    },
  });

  // Warm-up: a few flows so connections, plans and consumer groups are in place.
  await Promise.all(Array.from({ length: 10 }, () => flow(urls, token)));

  const total = Math.round(rate * duration);
  const productPids: Record<string, number | undefined> =
    values.process === 'all' ? { product: product.child.pid } : { intake: product.child.pid, router: others[0]!.child.pid, tables: others[1]!.child.pid };
  // What the product costs with nothing to do (pollers, heartbeats, timers), after the warm-up.
  let idleLine: string | null = null;
  /** The machine's CPU milliseconds per second with the product idle (null without --idle). */
  let idleMachineMsPerSecond: number | null = null;
  if (Number(values.idle) > 0) {
    await new Promise((r) => setTimeout(r, 2000));
    const idle0 = cpuByProcess(productPids);
    const idleMachine0 = machineCpuMs();
    await new Promise((r) => setTimeout(r, Number(values.idle) * 1000));
    const idleMachine1 = machineCpuMs();
    if (idleMachine0 !== null && idleMachine1 !== null) idleMachineMsPerSecond = (idleMachine1 - idleMachine0) / Number(values.idle);
    idleLine = `idle for ${values.idle} s before the flows, CPU per second: ${cpuSplit(idle0, cpuByProcess(productPids), Number(values.idle))}`;
  }
  const split0 = cpuByProcess(productPids);
  const cpuBefore = machineCpuMs();
  const started = Date.now();
  const flows: Promise<FlowTimes | Error>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    flows.push(flow(urls, token).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
  }
  const offeredFor = (Date.now() - started) / 1000;
  const results = await Promise.all(flows);
  const cpuAfter = machineCpuMs();
  const windowMs = Date.now() - started;
  const split1 = cpuByProcess(productPids);
  const ok = results.filter((r): r is FlowTimes => !(r instanceof Error));
  const errors = results.filter((r): r is Error => r instanceof Error);
  const totals = ok.map((r) => r.total).sort((a, b) => a - b);
  const tables = ok.map((r) => r.tables).sort((a, b) => a - b);
  // Where the tables part goes: CaseReferred committed → ReferralPublished committed (router relay, Kafka,
  // the tables consumer) and ReferralPublished committed → arrival (tables relay, Kafka, the bench's consumer).
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const stages = await client.query<{ referral_id: string; referred: Date; published: Date }>(
    `SELECT p.payload->>'referralId' AS referral_id, r.recorded_at AS referred, p.recorded_at AS published
       FROM events p JOIN events r ON r.type = 'CaseReferred' AND r.payload->>'referralId' = p.payload->>'referralId'
      WHERE p.type = 'ReferralPublished' AND p.payload->>'referralId' = ANY($1::text[])`,
    [ok.map((r) => r.referralId)],
  );
  // Each consumer's lag behind the commit of the event it applied: its inbox row's processed_at is the
  // consumer transaction's start.
  // and the message's Kafka timestamp (when the relay sent it) splits each hop into relay and consumer.
  const lags = async (consumer: string, type: 'SignalReceived' | 'CaseReferred', ids: string[]) => {
    const rows = (
      await client.query<{ id: string; recorded: Date; processed: Date }>(
        `SELECT e.payload->>$3 AS id, e.recorded_at AS recorded, i.processed_at AS processed
           FROM events e JOIN inbox i ON i.consumer = $1 AND i.message_id = e.id::text
          WHERE e.type = $2 AND e.payload->>$3 = ANY($4::text[])`,
        [consumer, type, type === 'SignalReceived' ? 'signalId' : 'referralId', ids],
      )
    ).rows;
    const sent = (r: (typeof rows)[number]) => sentAt.get(`${type === 'SignalReceived' ? 'signal' : 'referral'}:${r.id}`) ?? NaN;
    const sorted = (xs: number[]) => xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
    return {
      total: sorted(rows.map((r) => r.processed.getTime() - r.recorded.getTime())),
      relay: sorted(rows.map((r) => sent(r) - r.recorded.getTime())),
      consumer: sorted(rows.map((r) => r.processed.getTime() - sent(r))),
    };
  };
  const routerSignalLag = await lags(ROUTER_SIGNALS_CONSUMER, 'SignalReceived', ok.map((r) => r.signalId));
  const tablesSignalLag = await lags(CASE_EVENTS_CONSUMER, 'SignalReceived', ok.map((r) => r.signalId));
  const tablesReferralLag = await lags(CASE_EVENTS_CONSUMER, 'CaseReferred', ok.map((r) => r.referralId));
  await client.end();
  const opens = ok.map((r) => r.open).sort((a, b) => a - b);
  const consumed = stages.rows.map((r) => r.published.getTime() - r.referred.getTime()).sort((a, b) => a - b);
  const relayed = stages.rows.map((r) => (arrivedAt(r.referral_id) ?? NaN) - r.published.getTime()).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const line = (name: string, xs: number[]) => `${name.padEnd(44)} p50 ${pct(xs, 50)} ms   p95 ${pct(xs, 95)} ms   p99 ${pct(xs, 99)} ms   max ${xs[xs.length - 1]} ms`;
  process.stdout.write(
    [
      '',
      `tables bench — ${machine()} — product as ${values.process === 'all' ? 'one process' : 'three processes (intake, router, tables)'}`,
      `offered ${total} flows at ${rate}/s over ${offeredFor.toFixed(1)} s (each: 1 signal + open + 4 transitions + referral = 7 requests); ${ok.length} arrived, ${errors.length} failed${errors[0] ? ` (first: ${errors[0].message}${errors[0].cause ? `: ${String((errors[0].cause as Error).message ?? errors[0].cause)}` : ''})` : ''}; ${retriedAfter503} requests answered 503 and sent again after Retry-After`,
      // Whole-machine CPU from the first flow until the last one arrived (every process on the box), per flow.
      `machine CPU per flow: ${microsPer(cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore, ok.length)?.toString().concat(' µs') ?? 'unknown'}${machineLoad(cpuBefore, cpuAfter, windowMs, ok.length, idleMachineMsPerSecond)}`,
      // The same window split by process (the bench's own HTTP client and Kafka consumers included as "bench").
      `  of which, per flow: ${cpuSplit(split0, split1, ok.length)}`,
      ...(idleLine ? [idleLine] : []),
      line('intake 201 → referral on the RIEC topic', totals),
      line('intake 201 → case opened 201', opens),
      line('  intake 201 → router read model has it', ok.map((r) => r.known).sort((a, b) => a - b)),
      line('  SignalReceived → router signals consumer', routerSignalLag.total),
      line('    of which intake relay (commit → Kafka)', routerSignalLag.relay),
      line('    of which Kafka → router consumer', routerSignalLag.consumer),
      line('case 201 → referral 200 (5 requests in turn)', ok.map((r) => r.requests).sort((a, b) => a - b)),
      line('referral 200 → referral on the RIEC topic', tables),
      line('  SignalReceived → tables consumer', tablesSignalLag.total),
      line('    of which Kafka → tables consumer', tablesSignalLag.consumer),
      line('  CaseReferred → tables consumer', tablesReferralLag.total),
      line('    of which router relay (commit → Kafka)', tablesReferralLag.relay),
      line('    of which Kafka → tables consumer', tablesReferralLag.consumer),
      line('    (Kafka → the bench\'s own consumer)', probeLag.sort((a, b) => a - b)),
      line('  CaseReferred → ReferralPublished (commits)', consumed),
      line('  ReferralPublished → on the RIEC topic', relayed),
      '',
    ].join('\n'),
  );
} finally {
  await stopWatching();
  await hops.disconnect().catch(() => undefined);
  await consumer.disconnect().catch(() => undefined);
  for (const other of others.reverse()) await other.stop();
  await product.stop();
  await db.drop();
}
