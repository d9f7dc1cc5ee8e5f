/**
 * Router: case transitions per second (each a command on its own case: load, decide, append the event,
 * its outbox row and the case view in one statement) and `GET /v1/cases/{id}` per second, both with p99,
 * against the router running as its own child process (intake in another) on real PostgreSQL and Kafka.
 *
 *   npm run build && node dist/bench/router.bench.js [--duration 15] [--cases 256] [--transition-rate 1500] [--get-rate 5000] [--router-node-args='--cpu-prof …'] [--intake-node-args='…']
 *
 * Sustained runs (autocannon, closed loop) use --connections (default 64) to find the maximum; each connection
 * owns one AVE case and alternates opschalen-ave-2 / afschalen-ave-1, sending the ETag of its previous answer as
 * If-Match (so every transition is a real, conflict-checked write). Fixed-rate runs send the target rate evenly
 * spaced and open loop (`open-loop.ts`, loadtest) to measure latency at that rate: each transition goes to a case
 * with no transition in flight (with its latest ETag); a tick that finds none counts as `noIdleCase` and sends to a
 * busy case (answered 409, counted in non2xx).
 */
import { parseArgs } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';
import { issueToken, SigningKeys } from '#security';
import { openLoop, type OpenLoopResult } from './open-loop.js';
import { cpuByProcess, cpuSplitMicros, freshDatabase, KAFKA_BROKERS, machine, microsPer, settle, startProduct, withMachineCpu } from './bench-support.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    cases: { type: 'string', default: '256' },
    'transition-rate': { type: 'string', default: '1500' },
    'get-rate': { type: 'string', default: '5000' },
    connections: { type: 'string', default: '64' },
    /** Extra node options for the router process, space-separated (e.g. `--import ./profile-hook.mjs` to profile it). */
    'router-node-args': { type: 'string', default: '' },
    /** The same for the intake process (it runs the triage queue's consumer of the case events, and may lead the outbox relay). */
    'intake-node-args': { type: 'string', default: '' },
  },
});
const duration = Number(values.duration);
const caseCount = Number(values.cases);
const transitionRate = Number(values['transition-rate']);
const getRate = Number(values['get-rate']);
/** Connections for the sustained (maximum) runs. */
const connections = Number(values.connections);
const MUNICIPALITY = 'GM0153';

async function post(url: string, token: string, path: string, body: unknown): Promise<{ status: number; body: any; etag: string | null }> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json(), etag: res.headers.get('etag') };
}

/** Sends signals through intake and opens one AVE case per signal once the router has seen it (over Kafka), eight at a time. */
async function openCases(intakeUrl: string, url: string, token: string, n: number): Promise<{ caseId: string; etag: string }[]> {
  const cases: { caseId: string; etag: string }[] = [];
  const openOne = async () => {
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
        return;
      }
      if (opened.body?.code !== 'CASE.SIGNAL_UNKNOWN' || Date.now() > deadline) throw new Error(`open case: ${opened.status} ${JSON.stringify(opened.body)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  let started = 0;
  const worker = async () => {
    while (started < n) {
      started++;
      await openOne();
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, n) }, worker));
  return cases;
}

let failures = 0;
const UP = JSON.stringify({ transition: 'opschalen-ave-2', reasonCategory: 'complexiteit', reason: 'Meerdere leefgebieden (bench)' });
const DOWN = JSON.stringify({ transition: 'afschalen-ave-1', reason: 'Weer onder controle (bench)' });

/** After a refused transition, the case's version and phase as the answer tells them (a request of an earlier run may have landed after the resync). */
function heal(c: { etag: string; up: boolean }, body: string): void {
  const problem = JSON.parse(body) as { code?: string; currentVersion?: number };
  if (problem.code === 'EVENTSTORE.VERSION_CONFLICT' && problem.currentVersion) c.etag = `"${problem.currentVersion}"`;
  if (problem.code === 'CASE.TRANSITION_NOT_ALLOWED') c.up = !c.up;
}

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
            heal(c, body);
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

type BenchCase = { caseId: string; etag: string; up: boolean };

/** Transitions at a fixed rate, open loop: each to a case with none in flight, with that case's latest ETag. */
async function transitionsAtRate(url: string, token: string, cases: BenchCase[], rate: number): Promise<OpenLoopResult & { noIdleCase: number }> {
  const byId = new Map(cases.map((c) => [c.caseId, c]));
  const idle = [...cases];
  let noIdleCase = 0;
  let busy = 0;
  const result = await openLoop(url, {
    rate,
    seconds: duration,
    next: () => {
      let c = idle.shift();
      if (!c) {
        noIdleCase++;
        c = cases[busy++ % cases.length]!;
      }
      return { method: 'POST', path: `/v1/cases/${c.caseId}/transitions`, headers: { authorization: `Bearer ${token}`, 'if-match': c.etag }, body: c.up ? UP : DOWN };
    },
    onAnswer: ({ path, status, headers, body }) => {
      const c = byId.get(path.split('/')[3]!)!;
      if (status === 200) {
        c.etag = String(headers.etag ?? c.etag);
        c.up = !c.up;
      } else {
        if (failures++ < 3) process.stderr.write(`transition answered ${status}: ${body.slice(0, 300)}\n`);
        heal(c, body);
      }
      if (!idle.includes(c)) idle.push(c);
    },
  });
  return { ...result, noIdleCase };
}

function readsAtRate(url: string, token: string, cases: { caseId: string }[], rate: number): Promise<OpenLoopResult> {
  let i = 0;
  const headers = { authorization: `Bearer ${token}` };
  return openLoop(url, { rate, seconds: duration, next: () => ({ method: 'GET', path: `/v1/cases/${cases[i++ % cases.length]!.caseId}`, headers }) });
}

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
const intake = await startProduct(env, 'dist/apps/intake/src/main.js', values['intake-node-args'].split(' ').filter((a) => a.length > 0));
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
  const { result: maxTransitions, ...maxTransitionsCpu } = await withMachineCpu(() => transitions(router.url, token, cases, {}));
  await resync(router.url, token, cases);
  settled.push(await settle());
  const pids = { intake: intake.child.pid, router: router.child.pid };
  const beforeFixedTransitions = cpuByProcess(pids);
  const { result: fixedTransitions, ...fixedTransitionsCpu } = await withMachineCpu(() => transitionsAtRate(router.url, token, cases, transitionRate));
  const fixedTransitionsSplit = cpuSplitMicros(beforeFixedTransitions, cpuByProcess(pids), fixedTransitions.perSecond * duration);
  await reads(router.url, token, cases, { duration: 3 }); // warm-up
  const { result: maxReads, ...maxReadsCpu } = await withMachineCpu(() => reads(router.url, token, cases, {}));
  settled.push(await settle());
  const beforeFixedReads = cpuByProcess(pids);
  const { result: fixedReads, ...fixedReadsCpu } = await withMachineCpu(() => readsAtRate(router.url, token, cases, getRate));
  const fixedReadsSplit = cpuSplitMicros(beforeFixedReads, cpuByProcess(pids), fixedReads.perSecond * duration);
  const { result: raw, cpuMs: rawCpu } = await withMachineCpu(() => rawBaseline(db.url, Math.min(connections, caseCount)));
  // Whole-machine CPU per request (every process on the box): steadier than throughput on a shared VM.
  const cpuOf = (cpu: { cpuMs: number | null; benchCpuMs: number }, requests: number) => ({
    machineCpuMicrosPerRequest: microsPer(cpu.cpuMs, requests),
    /** Of that, the load generator's (autocannon or loadtest, in this process). */
    generatorCpuMicrosPerRequest: microsPer(cpu.benchCpuMs, requests),
  });
  const summary = (r: autocannon.Result, cpu: { cpuMs: number | null; benchCpuMs: number }) => ({ ...summaryOf(r), ...cpuOf(cpu, r['2xx']) });
  const atRate = (r: OpenLoopResult, cpu: { cpuMs: number | null; benchCpuMs: number }) => ({ ...r, ...cpuOf(cpu, r.perSecond * duration) });

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
    connections: { sustained: connections, atFixedRate: 'open loop: one per request in flight' },
    transitions: {
      sustained: summary(maxTransitions, maxTransitionsCpu),
      atFixedRate: { ...atRate(fixedTransitions, fixedTransitionsCpu), cpuMicrosPerRequestByProcess: fixedTransitionsSplit },
      rawBaseline: { ...raw, machineCpuMicrosPerTransaction: microsPer(rawCpu, raw.perSecond * duration) },
      ratioToRaw: Number((maxTransitions['2xx'] / duration / raw.perSecond).toFixed(2)),
      target: '≥ 1500/s, p99 ≤ 20 ms',
    },
    getCase: { sustained: summary(maxReads, maxReadsCpu), atFixedRate: { ...atRate(fixedReads, fixedReadsCpu), cpuMicrosPerRequestByProcess: fixedReadsSplit }, target: '≥ 5000/s, p99 ≤ 10 ms' },
  };
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
} finally {
  await router.stop();
  await intake.stop();
  await db.drop();
}
