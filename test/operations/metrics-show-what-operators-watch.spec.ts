import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';

/**
 * `GET /metrics` on the whole product (every app in one process), on real PostgreSQL and Kafka: what an
 * operator watches to know that signals flow and escalations are answered — HTTP latency per route
 * template, messages published and consumed with each consumer's lag, the outbox backlog, dead letters,
 * due deadlines, and what waits for an answer at the tables and the police. No personal data, no ids.
 */

const MUNICIPALITY = 'GM0153';
const METRICS_TOKEN = randomBytes(24).toString('base64url');

/** One sample's value from the Prometheus text: `name{labels} value`, labels matched as a subset. */
function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.startsWith(`${name}{`) ? line.slice(name.length + 1, line.indexOf('}')) : '';
    const has = Object.entries(labels).every(([k, v]) => labelText.split(',').includes(`${k}="${v}"`));
    if (has) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

/** A GET with every value of `authorization` on a header line of its own (`fetch` would join them into one line). */
function getWithAuthorizationLines(baseUrl: string, path: string, authorization: string[]): Promise<{ status: number; contentType: string | undefined; code: unknown }> {
  // Raw header lines, as sent: then Node adds no Host line of its own.
  const headers = ['host', new URL(baseUrl).host, ...authorization.flatMap((value) => ['authorization', value])];
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, baseUrl), { headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        const contentType = res.headers['content-type'];
        const code = contentType?.includes('json') ? (JSON.parse(text) as { code?: unknown }).code : undefined;
        resolve({ status: res.statusCode ?? 0, contentType, code });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('metrics for the operator', () => {
  let h: AppHarness;
  let coordinator: string;

  beforeAll(async () => {
    // The deadline and tier timers wait an hour: rows a test puts in the read models are only counted, never processed.
    h = await startApp({ apps: ALL_APPS, env: { METRICS_TOKEN, DEADLINE_POLL_INTERVAL_MS: '3600000', TABLES_POLL_INTERVAL_MS: '3600000' } });
    coordinator = await h.token('coordinator', [MUNICIPALITY]);
  });
  afterAll(async () => h?.stop());

  const scrape = async () => {
    const res = await h.request('GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  it('refuses a scrape without the configured token, or with another one, with 401 problem+json', async () => {
    const none = await h.request('GET', '/metrics');
    expect({ status: none.status, code: none.body?.code }).toEqual({ status: 401, code: 'AUTH.TOKEN_MISSING' });
    expect(none.contentType).toMatch(/^application\/problem\+json/);
    // Same length, last character changed (always a different one: the token is random and may end in any character).
    const another = `${METRICS_TOKEN.slice(0, -1)}${METRICS_TOKEN.endsWith('A') ? 'B' : 'A'}`;
    const wrong = await h.request('GET', '/metrics', { headers: { authorization: `Bearer ${another}` } });
    expect({ status: wrong.status, code: wrong.body?.code }).toEqual({ status: 401, code: 'AUTH.TOKEN_INVALID' });
    // A user's API token is not the metrics token either.
    const user = await h.request('GET', '/metrics', { token: coordinator });
    expect(user.status).toBe(401);
  });

  it('refuses an Authorization header sent twice with 401 AUTH.HEADER_REPEATED, as every route does, even when the first holds the token', async () => {
    // Node keeps the first of two Authorization headers: read so, the first line alone would let the scrape in.
    for (const lines of [[`Bearer ${METRICS_TOKEN}`, 'Bearer not-the-token'], [`Bearer ${METRICS_TOKEN}`, `Bearer ${METRICS_TOKEN}`], ['Bearer not-the-token', `Bearer ${METRICS_TOKEN}`]]) {
      expect(await getWithAuthorizationLines(h.url, '/metrics', lines)).toEqual({ status: 401, contentType: expect.stringMatching(/^application\/problem\+json/), code: 'AUTH.HEADER_REPEATED' });
    }
    expect(await getWithAuthorizationLines(h.url, '/metrics', [`Bearer ${METRICS_TOKEN}`])).toMatchObject({ status: 200 });
  });

  it('is not part of the API document', async () => {
    const doc = await h.request('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).not.toContain('/metrics');
  });

  it('counts a signal from its 201 to the triage queue: HTTP by route template, published, consumed with lag, and an empty outbox', async () => {
    const externalRef = `MMA-metrics-${randomUUID()}`;
    const description = `Geur van hennep bij ${randomUUID()}`;
    const before = await scrape();
    const createdBefore = sampleOf(before, 'signaalroute_http_request_duration_seconds_count', { method: 'POST', route: '/v1/signals/mma', status: '201' }) ?? 0;
    const created = await h.request('POST', '/v1/signals/mma', {
      token: coordinator,
      body: { externalRef, receivedAt: new Date(Date.now() - 60_000).toISOString(), theme: 'drugs', description, location: { municipality: MUNICIPALITY } },
    });
    expect(created.status).toBe(201);
    const signalId: string = created.body.signalId;
    const read = await h.request('GET', `/v1/signals/${signalId}`, { token: coordinator });
    expect([200, 404]).toContain(read.status);

    const text = await waitFor(async () => {
      const t = await scrape();
      const consumed = sampleOf(t, 'signaalroute_consumer_lag_seconds_count', { consumer: `${h.clientId}.intake.triage-queue`, topic: 'signaalroute.signals.v1' }) ?? 0;
      return consumed >= 1 && sampleOf(t, 'signaalroute_outbox_pending_messages') === 0 ? t : undefined;
    }, { what: 'the triage queue to consume the signal and the outbox to drain', timeoutMs: 30_000 });

    expect(sampleOf(text, 'signaalroute_http_request_duration_seconds_count', { method: 'POST', route: '/v1/signals/mma', status: '201' })).toBe(createdBefore + 1);
    // The route template, never the id: one series for every signal.
    expect(sampleOf(text, 'signaalroute_http_request_duration_seconds_count', { method: 'GET', route: '/v1/signals/:id' })).toBeGreaterThanOrEqual(1);
    expect(sampleOf(text, 'signaalroute_messages_published_total', { topic: 'signaalroute.signals.v1' })).toBeGreaterThanOrEqual(1);
    expect(sampleOf(text, 'signaalroute_messages_consumed_total', { consumer: `${h.clientId}.intake.triage-queue`, topic: 'signaalroute.signals.v1' })).toBeGreaterThanOrEqual(1);
    expect(sampleOf(text, 'signaalroute_outbox_oldest_pending_seconds')).toBe(0);
    expect(sampleOf(text, 'signaalroute_dead_letters')).toBe(0);
    // Nothing of the signal is in the metrics: not its id, reference or text.
    for (const secret of [signalId, externalRef, description]) expect(text).not.toContain(secret);
    expect(text).not.toContain(MUNICIPALITY);
  });

  it('labels an unknown path as unmatched instead of opening a series per URL', async () => {
    const path = `/v1/nothing-here-${randomUUID()}`;
    expect((await h.request('GET', path, { token: coordinator })).status).toBe(404);
    const text = await scrape();
    expect(text).not.toContain(path);
    expect(sampleOf(text, 'signaalroute_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
  });

  it('shows the outbox backlog and its age while the relay cannot publish, and what waits for an answer', async () => {
    // Rows the relay will not take yet (next attempt in the future): a backlog as when the broker is away.
    await h.query(
      `INSERT INTO outbox (event_id, topic, message_key, message_value, next_attempt_at, created_at)
       VALUES ($1, 'signaalroute.signals.v1', 'metrics-probe', '{}', now() + interval '1 hour', now() - interval '90 seconds'),
              ($2, 'signaalroute.signals.v1', 'metrics-probe', '{}', now() + interval '1 hour', now() - interval '30 seconds')`,
      [randomUUID(), randomUUID()],
    );
    try {
      const text = await scrape();
      expect(sampleOf(text, 'signaalroute_outbox_pending_messages')).toBe(2);
      expect(sampleOf(text, 'signaalroute_outbox_oldest_pending_seconds')).toBeGreaterThanOrEqual(90);
      for (const name of ['signaalroute_liaison_escalations_awaiting_ack', 'signaalroute_referrals_awaiting_answer']) {
        expect(sampleOf(text, name, { overdue: 'true' })).toBe(0);
        expect(sampleOf(text, name, { overdue: 'false' })).toBe(0);
      }
      expect(sampleOf(text, 'signaalroute_case_deadlines_due')).toBe(0);
      // Node's own: event-loop lag and memory, for capacity.
      expect(sampleOf(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
      expect(sampleOf(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    } finally {
      await h.query(`DELETE FROM outbox WHERE message_key = 'metrics-probe'`);
    }
  });

  it('counts escalations and referrals awaiting an answer, split by a passed deadline, and deadlines not yet processed', async () => {
    const [late, onTime, escalation, caseId] = [`metrics-${randomUUID()}`, `metrics-${randomUUID()}`, randomUUID(), randomUUID()];
    await h.query(
      `INSERT INTO table_referrals (referral_id, case_id, table_id, municipality, case_type, status, referred_at, published_at, accept_by, version)
       VALUES ($1, 'case-x', 'riec', $3, 'ave', 'open', now(), now(), now() - interval '1 day', 1),
              ($2, 'case-x', 'riec', $3, 'ave', 'open', now(), now(), now() + interval '1 day', 1)`,
      [late, onTime, MUNICIPALITY],
    );
    await h.query(
      `INSERT INTO liaison_escalations (escalation_id, case_id, municipality, case_type, trigger, tiers, status, tier_index, attempt, ack_due_at, raised_at, updated_at, summary, version)
       VALUES ($1, 'case-x', $2, 'ave', '{}', '[]', 'open', 0, 1, now() - interval '1 minute', now(), now(), '{}', 1)`,
      [escalation, MUNICIPALITY],
    );
    await h.query(
      `INSERT INTO case_view (case_id, municipality, model_id, model_version, current_state, status, version, state, next_deadline_at, opened_at, updated_at)
       VALUES ($1, $2, 'ave', 1, 'ave-1', 'open', 1, '{}', now() - interval '1 minute', now(), now())`,
      [caseId, MUNICIPALITY],
    );
    try {
      const text = await scrape();
      expect(sampleOf(text, 'signaalroute_referrals_awaiting_answer', { overdue: 'true' })).toBe(1);
      expect(sampleOf(text, 'signaalroute_referrals_awaiting_answer', { overdue: 'false' })).toBe(1);
      expect(sampleOf(text, 'signaalroute_liaison_escalations_awaiting_ack', { overdue: 'true' })).toBe(1);
      expect(sampleOf(text, 'signaalroute_liaison_escalations_awaiting_ack', { overdue: 'false' })).toBe(0);
      expect(sampleOf(text, 'signaalroute_case_deadlines_due')).toBe(1);
      for (const id of [late, onTime, escalation, caseId]) expect(text).not.toContain(id);
    } finally {
      await h.query('DELETE FROM table_referrals WHERE referral_id = ANY($1)', [[late, onTime]]);
      await h.query('DELETE FROM liaison_escalations WHERE escalation_id = $1', [escalation]);
      await h.query('DELETE FROM case_view WHERE case_id = $1', [caseId]);
    }
  });
});

describe('metrics without a configured token', () => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startApp({ apps: ALL_APPS });
  });
  afterAll(async () => h?.stop());

  it('are open like /health (counts and durations only)', async () => {
    const res = await h.request('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE signaalroute_http_request_duration_seconds histogram');
  });
});
