/**
 * Router: case transitions per second (each a command on its own case: load, decide, append the event,
 * its outbox row and the case view in one statement) and `GET /v1/cases/{id}` per second, both with p99,
 * against the router running as its own child process (intake in another) on real PostgreSQL and Kafka.
 *
 *   npm run build && node dist/bench/router.bench.js [--duration 15] [--cases 64] [--transition-rate 1500] [--get-rate 5000] [--router-node-args='--cpu-prof …']
 *
 * Sustained runs use --connections (default 64) to find the maximum; fixed-rate runs offer the target rate
 * over --fixed-connections (default 16) to measure latency at that rate without autocannon's own queueing.
 * Each autocannon connection owns one AVE case and alternates opschalen-ave-2 / afschalen-ave-1, sending
 * the ETag of its previous answer as If-Match (so every transition is a real, conflict-checked write).
 */
import { parseArgs } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { issueToken, SigningKeys } from '#security';
import { freshDatabase, KAFKA_BROKERS, machine, microsPer, settle, startProduct, withMachineCpu } from './bench-support.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    cases: { type: 'string', default: '64' },
    'transition-rate': { type: 'string', default: '1500' },
    'get-rate': { type: 'string', default: '5000' },
    connections: { type: 'string', default: '64' },
    'fixed-connections': { type: 'string', default: '16' },
    /** Extra node options for the router process, space-separated (e.g. `--import ./profile-hook.mjs` to profile it). */
    'router-node-args': { type: 'string', default: '' },
  },
});
const duration = Number(values.duration);
const caseCount = Number(values.cases);
const transitionRate = Number(values['transition-rate']);
const getRate = Number(values['get-rate']);
/** Connections for the sustained (maximum) runs, and for the fixed-rate runs that measure latency at the target rate. */
const connections = Number(values.connections);
const fixedConnections = Number(values['fixed-connections']);
const MUNICIPALITY = 'GM0153';

async function post(url: string, token: string, path: string, body: unknown): Promise<{ status: number; body: any; etag: string | null }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json(), etag: res.headers.get('etag') };
}

/** Sends signals through intake and opens one AVE case per signal once the router has seen it (over Kafka). */
async function openCases(intakeUrl: string, url: string, token: string, n: number): Promise<{ caseId: string; etag: string }[]> {
  const cases: { caseId: string; etag: string }[] = [];
  for (let i = 0; i < n; i++) {
    const signal = await post(intakeUrl, token, '/v1/signals/mma', {
      externalRef: `MMA-${randomUUID()}`, receivedAt: '2026-11-20T10:00:00+01:00', theme: 'drugs',
      description: 'Vermoedelijk hennepkwekerij op zolder; veel stroomverbruik en geur.', location: { municipality: MUNICIPALITY },
    });
    if (signal.status !== 201) throw new Error(`signal: ${signal.status} ${JSON.stringify(signal.body)}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const opened = await post(url, token, '/v1/cases', { model: 'ave', signalIds: [signal.body.signalId] });
      if (opened.status === 201) {
        cases.push({ caseId: opened.body.caseId, etag: opened.etag! });
        break;
      }
      if (opened.body?.code !== 'CASE.SIGNAL_UNKNOWN' || Date.now() > deadline) throw new Error(`open case: ${opened.status} ${JSON.stringify(opened.body)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return cases;
}

let failures = 0;
const UP = JSON.stringify({ transition: 'opschalen-ave-2', reasonCategory: 'complexiteit', reason: 'Meerdere leefgebieden (bench)' });
const DOWN = JSON.stringify({ transition: 'afschalen-ave-1', reason: 'Weer onder controle (bench)' });

/** Transitions: each connection works its own case, alternating up and down with If-Match. */
function transitions(url: string, token: string, cases: { caseId: string; etag: string; up: boolean }[], opts: Partial<autocannon.Options>) {
  let next = 0;
  return autocannon({
    url,
    connections: Math.min(connections, cases.length),
    duration,
    ...opts,
    setupClient: (client: any) => {
      const c = cases[next++ % cases.length]!;
      client.setRequests([
        {
          method: 'POST',
          path: `/v1/cases/${c.caseId}/transitions`,
          setupRequest: (req: any) => ({ ...req, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': c.etag }, body: c.up ? UP : DOWN }),
          onResponse: (status: number, body: string, _context: unknown, headers: Record<string, string>) => {
            if (status === 200) {
              c.etag = headers.etag ?? c.etag;
              c.up = !c.up;
              return;
            }
            if (failures++ < 3) process.stderr.write(`transition answered ${status}: ${body.slice(0, 300)}\n`);
            // Self-healing, should a previous run's last request have landed after the resync.
            const problem = JSON.parse(body) as { code?: string; currentVersion?: number };
            if (problem.code === 'EVENTSTORE.VERSION_CONFLICT' && problem.currentVersion) c.etag = `"${problem.currentVersion}"`;
            if (problem.code === 'CASE.TRANSITION_NOT_ALLOWED') c.up = !c.up;
          },
        },
      ]);
    },
  } as autocannon.Options);
}

/** A run stops with requests in flight whose answers are never read: take every case's ETag and phase afresh. */
async function resync(url: string, token: string, cases: { caseId: string; etag: string; up: boolean }[]): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000)); // let the server finish what autocannon stopped waiting for
  for (const c of cases) {
    const res = await fetch(`${url}/v1/cases/${c.caseId}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { currentState: string };
    c.etag = res.headers.get('etag')!;
    c.up = body.currentState === 'ave-1';
  }
}

function reads(url: string, token: string, cases: { caseId: string }[], opts: Partial<autocannon.Options>) {
  let i = 0;
  return autocannon({
    url,
    connections,
    duration,
    headers: { authorization: `Bearer ${token}` },
    requests: [{ method: 'GET', setupRequest: (req: any) => ({ ...req, path: `/v1/cases/${cases[i++ % cases.length]!.caseId}` }) }],
    ...opts,
  } as autocannon.Options);
}

/**
 * Starts one compiled app (`npm run build` first) as a child process and resolves when /health/ready answers.
 * The router runs in its own process (microservice mode, as deployed), so what is measured is the router:
 * the all-in-one process would also run every other app's consumers of the case events on the same core.
 */
/**
 * The floor on this machine at this moment: bare `pg` doing what one transition does in the database (read
 * the view row, read the stream head, then one statement inserting the event and its outbox row and
 * updating the view row), with `connections` concurrent writers on tables of the same shape.
 */
async function rawBaseline(url: string, writers: number): Promise<{ perSecond: number; p99ms: number }> {
  const pool = new pg.Pool({ connectionString: url, max: 20 });
  await pool.query(`CREATE TABLE raw_events (position bigserial PRIMARY KEY, id uuid UNIQUE, stream_id text, stream_version int, payload jsonb, hash text, UNIQUE (stream_id, stream_version));
                    CREATE TABLE raw_outbox (id bigserial PRIMARY KEY, event_id uuid, topic text, message_key text);
                    CREATE TABLE raw_view (case_id uuid PRIMARY KEY, version int, state jsonb)`);
  const state = JSON.stringify({ status: 'open', currentState: 'ave-1', responsibilities: { casusregie: 'wijkteam' }, signalIds: [randomUUID()], deadlines: [], notes: [], referrals: [], plan: null });
  const ids = Array.from({ length: writers }, () => randomUUID());
  for (const id of ids) {
    await pool.query('INSERT INTO raw_view VALUES ($1, 1, $2)', [id, state]);
    await pool.query('INSERT INTO raw_events (id, stream_id, stream_version, payload, hash) VALUES ($1, $2, 1, $3, $4)', [randomUUID(), `case-${id}`, state, 'x'.repeat(64)]);
  }
  const end = Date.now() + duration * 1000;
  const latencies: number[] = [];
  const worker = async (id: string) => {
    while (Date.now() < end) {
      const t0 = performance.now();
      const view = await pool.query<{ version: number; state: unknown }>('SELECT version, state FROM raw_view WHERE case_id = $1', [id]);
      const v = view.rows[0]!.version;
      await pool.query('SELECT stream_version, hash FROM raw_events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1', [`case-${id}`]);
      await pool.query(
        `WITH ev AS (INSERT INTO raw_events (id, stream_id, stream_version, payload, hash) VALUES ($1, $2, $3, $4, $5) RETURNING id),
              ob AS (INSERT INTO raw_outbox (event_id, topic, message_key) SELECT id, 'cases', $2 FROM ev),
              up AS (UPDATE raw_view SET version = $3, state = $4 WHERE case_id = $6)
         SELECT id FROM ev`,
        [randomUUID(), `case-${id}`, v + 1, state, 'y'.repeat(64), id],
      );
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(ids.map(worker));
  await pool.end();
  latencies.sort((a, b) => a - b);
  return { perSecond: Math.round(latencies.length / duration), p99ms: Number(latencies[Math.floor(latencies.length * 0.99)]!.toFixed(2)) };
}

const summaryOf = (r: autocannon.Result) => ({ perSecond: Math.round(r['2xx'] / duration), non2xx: r.non2xx, errors: r.errors, p50ms: r.latency.p50, p99ms: r.latency.p99 });

const loadBefore = loadavg()[0]!;
const db = await freshDatabase();
const dataDir = mkdtempSync(join(tmpdir(), 'sr-bench-'));
// Topics of their own for the two processes: nothing of earlier runs to consume first.
const env = { DATABASE_URL: db.url, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX: `bench-router-${randomUUID().slice(0, 8)}.`, DATABASE_POOL_SIZE: '20', SIGNAALROUTE_DATA_DIR: dataDir };
const intake = await startProduct(env, 'dist/apps/intake/src/main.js');
const routerNodeArgs = values['router-node-args'].split(' ').filter((a) => a.length > 0);
const router = await startProduct(env, 'dist/apps/router/src/main.js', routerNodeArgs).catch(async (error: unknown) => {
  await intake.stop();
  throw error;
});
try {
  const token = await issueToken({ role: 'coordinator', municipalities: [MUNICIPALITY], subject: 'bench' }, await SigningKeys.loadOrCreate(dataDir));
  const cases = (await openCases(intake.url, router.url, token, caseCount)).map((c) => ({ ...c, up: true }));

  // Before each fixed-rate run the machine is let quieten: the sustained run before it leaves tens of thousands of
  // events for the relay and the consumers, work that belongs to that run and not to the rate measured next.
  const settled: number[] = [];
  await transitions(router.url, token, cases, { duration: 3 }); // warm-up
  await resync(router.url, token, cases);
  const { result: maxTransitions, cpuMs: maxTransitionsCpu } = await withMachineCpu(() => transitions(router.url, token, cases, {}));
  await resync(router.url, token, cases);
  settled.push(await settle());
  const { result: fixedTransitions, cpuMs: fixedTransitionsCpu } = await withMachineCpu(() => transitions(router.url, token, cases, { overallRate: transitionRate, connections: fixedConnections }));
  await reads(router.url, token, cases, { duration: 3 }); // warm-up
  const { result: maxReads, cpuMs: maxReadsCpu } = await withMachineCpu(() => reads(router.url, token, cases, {}));
  settled.push(await settle());
  const { result: fixedReads, cpuMs: fixedReadsCpu } = await withMachineCpu(() => reads(router.url, token, cases, { overallRate: getRate, connections: fixedConnections }));
  const { result: raw, cpuMs: rawCpu } = await withMachineCpu(() => rawBaseline(db.url, Math.min(connections, caseCount)));
  // Whole-machine CPU per request (every process on the box): steadier than throughput on a shared VM.
  const summary = (r: autocannon.Result, cpuMs: number | null) => ({ ...summaryOf(r), machineCpuMicrosPerRequest: microsPer(cpuMs, r['2xx']) });

  const result = {
    benchmark: 'router',
    machine: machine(),
    date: new Date().toISOString(),
    /** 1-minute load average before and after: the machine is shared, read the figures with it. */
    loadAverage: { before: Number(loadBefore.toFixed(2)), after: Number(loadavg()[0]!.toFixed(2)) },
    durationSeconds: duration,
    /** Milliseconds waited for the machine to quieten before each fixed-rate run (transitions, reads). */
    settledMs: settled,
    cases: caseCount,
    connections: { sustained: connections, atFixedRate: fixedConnections },
    transitions: {
      sustained: summary(maxTransitions, maxTransitionsCpu),
      atFixedRate: { targetPerSecond: transitionRate, ...summary(fixedTransitions, fixedTransitionsCpu) },
      rawBaseline: { ...raw, machineCpuMicrosPerTransaction: microsPer(rawCpu, raw.perSecond * duration) },
      ratioToRaw: Number((maxTransitions['2xx'] / duration / raw.perSecond).toFixed(2)),
      target: '≥ 1500/s, p99 ≤ 20 ms',
    },
    getCase: { sustained: summary(maxReads, maxReadsCpu), atFixedRate: { targetPerSecond: getRate, ...summary(fixedReads, fixedReadsCpu) }, target: '≥ 5000/s, p99 ≤ 10 ms' },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} finally {
  await router.stop();
  await intake.stop();
  await db.drop();
}
