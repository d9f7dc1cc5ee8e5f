import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { mmaPayload, PRODUCT_APPS, testMunicipality } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, waitFor, type AppHarness, type HarnessResponse } from '../support/app-harness.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/**
 * When PostgreSQL goes away or stops answering, the product says "not now" instead of failing strangely or
 * piling work up: an outage answers 503 `SERVICE.UNAVAILABLE`, a queue in front of the database that is full
 * or not moving refuses new work at once with 503 `SERVICE.OVERLOADED`; both with `Retry-After`, both
 * storing nothing; the work that was admitted is committed once the database answers again. Intake and
 * router run on real PostgreSQL (through a TCP proxy the test can cut or stall) and real Kafka.
 */

const QUEUE_LIMIT = 3;
const QUEUE_WAIT_MS = 300;

let proxy: TcpProxy;
let h: AppHarness;
let direct: pg.Client;
let intakeSystem: string;
let coordinator: string;
const municipality = testMunicipality();

beforeAll(async () => {
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  // The connect timeout outlasts the stalls below: a statement that needs a new connection while the
  // database stalls waits for it instead of failing as an outage (the eventstore tests time connections out).
  h = await startApp({
    apps: PRODUCT_APPS,
    databaseUrlVia: (url) => proxy.via(url),
    env: { DATABASE_QUEUE_MAX_LENGTH: String(QUEUE_LIMIT), DATABASE_QUEUE_MAX_WAIT_MS: String(QUEUE_WAIT_MS), DATABASE_CONNECT_TIMEOUT_MS: '20000' },
  });
  if (!h.databaseUrl) throw new Error('this test needs PostgreSQL');
  direct = new pg.Client({ connectionString: h.databaseUrl });
  await direct.connect();
  intakeSystem = await h.token('intake-system', [municipality]);
  coordinator = await h.token('coordinator', [municipality]);
});

afterAll(async () => {
  proxy?.resume();
  await proxy?.restore().catch(() => undefined);
  await direct?.end();
  await h?.stop();
  await proxy?.close();
});

/** Signals received over HTTP, counted past the proxy. */
async function signalsStored(): Promise<number> {
  const r = await direct.query<{ n: string }>("SELECT count(*)::text AS n FROM events WHERE type = 'SignalReceived' AND actor_id NOT LIKE 'kafka:%'");
  return Number(r.rows[0]!.n);
}

const sendSignal = (body = mmaPayload(municipality)) => h.request('POST', '/v1/signals/mma', { token: intakeSystem, body });

function expectNotNow(res: HarnessResponse, code: string, retryAfter: string): void {
  expect({ status: res.status, code: res.body?.code, retryAfter: res.headers.get('retry-after') }).toEqual({ status: 503, code, retryAfter });
  expect(res.contentType).toMatch(/^application\/problem\+json/);
}

async function queueWaiting(queue: string): Promise<number> {
  const text = (await h.request('GET', '/metrics')).text;
  const line = text.split('\n').find((l) => l.startsWith(`signaalroute_database_queue_waiting{queue="${queue}"}`));
  return Number(line?.split(' ')[1]);
}

async function databaseAnswersAgain(): Promise<void> {
  await waitFor(async () => (await h.request('GET', '/health/ready')).status === 200, { timeoutMs: 30_000, what: 'the product to see the database again' });
}

describe('the database cannot be reached', () => {
  it('a signal is answered 503 SERVICE.UNAVAILABLE with Retry-After and nothing is stored; sent again once the database is back, it is accepted', async () => {
    const before = await signalsStored();
    const body = mmaPayload(municipality);
    await proxy.cut();
    try {
      expectNotNow(await sendSignal(body), 'SERVICE.UNAVAILABLE', '5');
      expect(await signalsStored()).toBe(before);
    } finally {
      await proxy.restore();
    }
    await databaseAnswersAgain();
    const again = await sendSignal(body);
    expect({ status: again.status, replayed: again.headers.get('idempotent-replayed') }).toEqual({ status: 201, replayed: null });
    expect(await signalsStored()).toBe(before + 1);
  });

  it('a case read is answered the same way, not as an unknown case or an internal error', async () => {
    await proxy.cut();
    try {
      expectNotNow(await h.request('GET', `/v1/cases/${randomUUID()}`, { token: coordinator }), 'SERVICE.UNAVAILABLE', '5');
    } finally {
      await proxy.restore();
    }
    await databaseAnswersAgain();
    const known = await h.request('GET', `/v1/cases/${randomUUID()}`, { token: coordinator });
    expect(known.status).toBe(404);
  });
});

describe('the database stops answering', () => {
  it(`signals beyond ${QUEUE_LIMIT} waiting are refused at once with 503 SERVICE.OVERLOADED; the admitted ones are stored when it answers again`, async () => {
    const before = await signalsStored();
    proxy.stall();
    let admitted: Promise<HarnessResponse>[] = [];
    try {
      // One statement in flight (held by the stalled database) and QUEUE_LIMIT waiting behind it.
      admitted = Array.from({ length: QUEUE_LIMIT + 1 }, () => sendSignal());
      await waitFor(async () => (await queueWaiting('intake-commit')) === QUEUE_LIMIT, { what: `${QUEUE_LIMIT} signals waiting` });
      const started = Date.now();
      expectNotNow(await sendSignal(), 'SERVICE.OVERLOADED', '1');
      expect(Date.now() - started).toBeLessThan(QUEUE_WAIT_MS * 10);
    } finally {
      proxy.resume();
    }
    const answers = await Promise.all(admitted);
    expect(answers.map((a) => a.status)).toEqual(Array(QUEUE_LIMIT + 1).fill(201));
    expect(await signalsStored()).toBe(before + QUEUE_LIMIT + 1);
  });

  it(`a signal is refused when the oldest one waiting has waited longer than ${QUEUE_WAIT_MS} ms, even with room in the queue`, async () => {
    const before = await signalsStored();
    proxy.stall();
    let admitted: Promise<HarnessResponse>[] = [];
    try {
      admitted = [sendSignal(), sendSignal()];
      await waitFor(async () => (await queueWaiting('intake-commit')) === 1, { what: 'one signal waiting' });
      // Past the wait limit (waiting longer only makes the refusal more certain).
      await new Promise((resolve) => setTimeout(resolve, QUEUE_WAIT_MS + 100));
      expectNotNow(await sendSignal(), 'SERVICE.OVERLOADED', '1');
    } finally {
      proxy.resume();
    }
    expect((await Promise.all(admitted)).map((a) => a.status)).toEqual([201, 201]);
    expect(await signalsStored()).toBe(before + 2);
    const metrics = (await h.request('GET', '/metrics')).text;
    expect(metrics).toMatch(/signaalroute_requests_refused_total\{queue="intake-commit",reason="length"\} 1\b/);
    expect(metrics).toMatch(/signaalroute_requests_refused_total\{queue="intake-commit",reason="wait"\} 1\b/);
  });

  it('while it stalls, /metrics still answers (the gauges read from the database report NaN instead of holding the scrape)', async () => {
    proxy.stall();
    try {
      const started = Date.now();
      const res = await h.request('GET', '/metrics');
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(res.text).toMatch(/^signaalroute_outbox_pending_messages NaN$/im);
      expect(res.text).toMatch(/^signaalroute_database_queue_waiting\{queue="case-commit"\} 0$/m);
    } finally {
      proxy.resume();
    }
  });
});
