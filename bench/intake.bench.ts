/**
 * Intake throughput and latency against real PostgreSQL and Kafka, with the raw baseline: a bare `pg`
 * transaction writing one event row and one outbox row at the same concurrency.
 *
 *   npm run build && node dist/bench/intake.bench.js [--duration 15] [--connections 64] [--rate 1000] [--process intake|all] [--node-args='--cpu-prof …']
 *
 * The sustained run is autocannon (closed loop, --connections); the fixed-rate run sends --rate signals per second
 * evenly spaced and open loop (`open-loop.ts`, loadtest), so its p99 is the latency at that rate.
 *
 * Before the fixed-rate run the machine is let quieten: the sustained run leaves tens of thousands of signals for
 * the relay and the triage queue, work that belongs to that run and not to the rate measured next.
 */
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { issueToken, SigningKeys } from '#security';
import { openLoop } from './open-loop.js';
import { cpuByProcess, cpuSplitMicros, freshDatabase, KAFKA_BROKERS, machine, microsPer, settle, startProduct, withMachineCpu } from './bench-support.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '64' },
    rate: { type: 'string', default: '1000' },
    // intake: the intake app alone (microservice mode; its triage queue projection included); all: every app in one process
    process: { type: 'string', default: 'intake' },
    /** Extra node options for the product process, space-separated, after its start script's flags. */
    'node-args': { type: 'string', default: '' },
  },
});
if (values.process !== 'intake' && values.process !== 'all') throw new Error('--process must be intake or all');
const entry = values.process === 'intake' ? 'dist/apps/intake/src/main.js' : 'dist/apps/signaalroute/src/main.js';
const duration = Number(values.duration);
const connections = Number(values.connections);
const rate = Number(values.rate);

function mmaBody(): string {
  return JSON.stringify({
    externalRef: `MMA-${randomUUID()}`,
    receivedAt: '2026-11-20T10:00:00+01:00',
    theme: 'drugs',
    description: 'Vermoedelijk hennepkwekerij op zolder; veel stroomverbruik en geur.',
    location: { municipality: 'GM0153', address: 'Marktstraat 1', postcode: '7511 AA' },
  });
}

async function runAutocannon(url: string, token: string, opts: Partial<autocannon.Options>) {
  return autocannon({
    url: `${url}/v1/signals/mma`,
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    connections,
    duration,
    setupClient: (client: any) => client.setBody(mmaBody()),
    requests: [{ setupRequest: (req: any) => ({ ...req, body: mmaBody() }) }],
    ...opts,
  } as autocannon.Options);
}

async function rawBaseline(url: string): Promise<{ perSecond: number; count: number; p99: number }> {
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  await pool.query(`CREATE TABLE raw_events (position bigserial PRIMARY KEY, id uuid UNIQUE, stream_id text, stream_version int, payload jsonb, hash text, UNIQUE (stream_id, stream_version));
                    CREATE TABLE raw_outbox (id bigserial PRIMARY KEY, event_id uuid, topic text, message_key text, message_value text)`);
  const end = Date.now() + duration * 1000;
  const latencies: number[] = [];
  let done = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const t0 = performance.now();
      const c = await pool.connect();
      try {
        const id = randomUUID();
        const body = mmaBody();
        await c.query('BEGIN');
        await c.query('INSERT INTO raw_events (id, stream_id, stream_version, payload, hash) VALUES ($1, $2, 1, $3, $4)', [id, `signal-${id}`, body, 'x'.repeat(64)]);
        await c.query('INSERT INTO raw_outbox (event_id, topic, message_key, message_value) VALUES ($1, $2, $3, $4)', [id, 'signals', `signal-${id}`, body]);
        await c.query('COMMIT');
      } finally {
        c.release();
      }
      latencies.push(performance.now() - t0);
      done++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  await pool.end();
  latencies.sort((a, b) => a - b);
  return { perSecond: done / duration, count: done, p99: latencies[Math.floor(latencies.length * 0.99)]! };
}

const db = await freshDatabase();
const nodeArgs = values['node-args'].split(' ').filter((a) => a.length > 0);
const product = await startProduct({ DATABASE_URL: db.url, KAFKA_BROKERS, KAFKA_CLIENT_ID: `sr-bench-${randomUUID().slice(0, 8)}`, DATABASE_POOL_SIZE: '20' }, entry, nodeArgs);
try {
  const token = await issueToken({ role: 'intake-system', municipalities: ['GM0153'], subject: 'bench' }, await SigningKeys.loadOrCreate(product.dataDir));
  await runAutocannon(product.url, token, { duration: 3 }); // warm-up
  const { result: max, cpuMs: maxCpu, benchCpuMs: maxBenchCpu } = await withMachineCpu(() => runAutocannon(product.url, token, {}));
  const settledMs = await settle();
  const pids = { intake: product.child.pid };
  const beforeFixed = cpuByProcess(pids);
  const headers = { authorization: `Bearer ${token}` };
  const { result: fixed, cpuMs: fixedCpu, benchCpuMs: fixedBenchCpu } = await withMachineCpu(() =>
    openLoop(product.url, { rate, seconds: duration, next: () => ({ method: 'POST', path: '/v1/signals/mma', headers, body: mmaBody() }) }),
  );
  const fixedSplit = cpuSplitMicros(beforeFixed, cpuByProcess(pids), fixed.perSecond * duration);
  const { result: raw, cpuMs: rawCpu } = await withMachineCpu(() => rawBaseline(db.url));
  // Whole-machine CPU per signal (product, PostgreSQL, Kafka, load generator): steadier than throughput on a shared VM.
  const result = {
    benchmark: 'intake',
    process: values.process,
    machine: machine(),
    date: new Date().toISOString(),
    durationSeconds: duration,
    connections,
    sustained: {
      acceptedPerSecond: Math.round(max['2xx'] / duration), non2xx: max.non2xx, errors: max.errors, p50ms: max.latency.p50, p99ms: max.latency.p99,
      machineCpuMicrosPerSignal: microsPer(maxCpu, max['2xx']), generatorCpuMicrosPerSignal: microsPer(maxBenchCpu, max['2xx']),
    },
    atFixedRate: {
      settledMsBefore: settledMs, targetPerSecond: rate, achievedPerSecond: fixed.perSecond, non2xx: fixed.non2xx, errors: fixed.errors,
      p50ms: fixed.p50ms, p95ms: fixed.p95ms, p99ms: fixed.p99ms, maxMs: fixed.maxMs,
      machineCpuMicrosPerSignal: microsPer(fixedCpu, fixed.perSecond * duration), generatorCpuMicrosPerSignal: microsPer(fixedBenchCpu, fixed.perSecond * duration),
      cpuMicrosPerSignalByProcess: fixedSplit,
    },
    rawBaseline: { transactionsPerSecond: Math.round(raw.perSecond), p99ms: Number(raw.p99.toFixed(2)), machineCpuMicrosPerTransaction: microsPer(rawCpu, raw.count) },
    ratioToRaw: Number((max['2xx'] / duration / raw.perSecond).toFixed(2)),
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} finally {
  await product.stop();
  await db.drop();
}
