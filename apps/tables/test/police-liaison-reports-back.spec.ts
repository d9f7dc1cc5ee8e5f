import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REFERRAL_TOPICS } from '#contracts';
import { AVE_MODEL } from '#domain';
import { DATABASE, keyOwner, SUBJECT_PSEUDONYMIZER, type SubjectPseudonymizer } from '#platform';
import type { Database } from '#eventstore';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import type { TopicWatcher } from '../../../test/support/kafka-probe.js';
import { connectSse, type SseConnection } from './support/sse-client.js';
import { appendSignals, envelopeOf, expectProblem, keyringOf, rawOf, ScriptedCase, TABLES_APP, TABLES_OUTPUT_TOPICS } from './support/tables-fixtures.js';

/**
 * A police liaison reports back what the police did with an escalation (DOMAIN: "receives escalations that need
 * police action, acknowledges them, reports back"), on real PostgreSQL and Kafka: each report is an event on the
 * escalation's stream and the police topic, its text sealed under the case's key; the coordinator reads it with the
 * escalation; the liaison feed streams it; a report on an escalation nobody acknowledged acknowledges it first.
 */

let h: AppHarness;
let watcher: TopicWatcher;
const ENSCHEDE = 'GM0153';
const HENGELO = 'GM0164';
let liaison: string;
let otherLiaison: string;
let liaisonHengelo: string;
let coordinator: string;
const streams: SseConnection[] = [];

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP] });
  watcher = await h.watch(TABLES_OUTPUT_TOPICS);
  liaison = await h.token('police-liaison', [ENSCHEDE], { subject: 'agent-jansen' });
  otherLiaison = await h.token('police-liaison', [ENSCHEDE], { subject: 'agent-de-vries' });
  liaisonHengelo = await h.token('police-liaison', [HENGELO], { subject: 'agent-hengelo' });
  coordinator = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-anna' });
});

afterAll(async () => {
  await h?.stop();
  streams.forEach((s) => s.close());
});

/** An AVE case at AVE 4 and the escalation it raised (open, tier 1 waiting). */
async function escalatedCase(): Promise<{ c: ScriptedCase; escalationId: string }> {
  const c = new ScriptedCase(h, ENSCHEDE);
  await c.open(AVE_MODEL, (await appendSignals(h, ENSCHEDE)).ids);
  await c.walkTo(AVE_MODEL, 'ave-4');
  const row = await waitFor(async () => (await h.query<{ escalation_id: string }>('SELECT escalation_id FROM liaison_escalations WHERE case_id = $1', [c.caseId]))[0], {
    what: `the escalation of case ${c.caseId}`,
  });
  return { c, escalationId: row.escalation_id };
}

const databaseOf = (app: AppHarness): Database => app.running.app.get<symbol, Database>(DATABASE, { strict: false });
const reportOf = (id: string, token: string, body: unknown, headers: Record<string, string> = {}) => h.request('POST', `/v1/liaison/escalations/${id}/reports`, { token, body, headers });

describe('a police liaison reports back; the coordinator reads it with the escalation', () => {
  it('records the report as an event (sealed text) that the coordinator, the stream and the police topic see; the first report acknowledges', async () => {
    const live = await connectSse(h.url, '/v1/liaison/escalations/stream', otherLiaison);
    streams.push(live);
    const { c, escalationId } = await escalatedCase();
    const text = `Wijkagent is langs geweest ${randomUUID().slice(0, 8)}`;

    const first = await reportOf(escalationId, liaison, { outcome: 'in-behandeling', text: `  ${text}  ` });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      escalationId,
      status: 'acknowledged',
      acknowledgedBy: 'agent-jansen',
      lastReport: { outcome: 'in-behandeling', by: 'agent-jansen' },
    });
    expect(first.headers.get('etag')).toBe(`"${first.body.version}"`);

    // Stored and published sealed under the case's key: the text is in no row and no message in the clear.
    const [feedRow] = await h.query<{ data: { text: string } }>(`SELECT data FROM liaison_feed WHERE escalation_id = $1 AND type = 'EscalationReportedBack'`, [escalationId]);
    expect(feedRow!.data.text).toMatch(/^pd1\./);
    expect((await keyringOf(h).reveal(feedRow!.data.text)).value).toBe(text);
    const [onKafka] = await watcher.waitFor((m) => m.topic === REFERRAL_TOPICS.liaisonEscalations && m.key === `escalation-${escalationId}` && envelopeOf(m).type === 'EscalationReportedBack');
    expect(rawOf(onKafka!)).not.toContain(text);
    expect(envelopeOf(onKafka!).payload).toMatchObject({ outcome: 'in-behandeling', reportedBy: { id: 'agent-jansen', role: 'police-liaison' } });

    // Another liaison of the municipality follows it on the stream, the text opened.
    const [streamed] = await live.waitFor((e) => e.data.escalationId === escalationId && e.event === 'EscalationReportedBack', { what: 'the report on the stream' });
    expect(streamed!.data).toMatchObject({ outcome: 'in-behandeling', text, reportedBy: { id: 'agent-jansen' } });

    // A later report by a colleague: its own event; the escalation shows the last one.
    const second = await reportOf(escalationId, otherLiaison, { outcome: 'actie-ondernomen', text: 'Bewoner aangesproken' }, { 'if-match': first.headers.get('etag')! });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ acknowledgedBy: 'agent-jansen', lastReport: { outcome: 'actie-ondernomen', by: 'agent-de-vries' }, version: first.body.version + 1 });

    // The coordinator sees the reports with the escalation and its case.
    const seen = await h.request('GET', `/v1/liaison/escalations/${escalationId}`, { token: coordinator });
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ caseId: c.caseId, lastReport: { outcome: 'actie-ondernomen' } });
    expect(seen.headers.get('etag')).toBe(`"${second.body.version}"`);
    const reports = seen.body.steps.filter((s: { type: string }) => s.type === 'EscalationReportedBack');
    expect(reports.map((r: { outcome: string; text: string }) => [r.outcome, r.text])).toEqual([
      ['in-behandeling', text],
      ['actie-ondernomen', 'Bewoner aangesproken'],
    ]);
    expect(seen.body.steps.map((s: { type: string }) => s.type).filter((t: string) => t === 'EscalationAcknowledged')).toHaveLength(1);
    // The coordinator finds the escalations of the case they run, with the last report; a liaison may not ask by case.
    const ofCase = await h.request('GET', `/v1/liaison/escalations?caseId=${c.caseId}`, { token: coordinator });
    expect(ofCase.body.items).toEqual([expect.objectContaining({ escalationId, caseId: c.caseId, lastReport: { outcome: 'actie-ondernomen', at: expect.any(String), by: 'agent-de-vries' } })]);
    expectProblem(await h.request('GET', `/v1/liaison/escalations?caseId=${c.caseId}`, { token: liaison }), 403, 'AUTH.FILTER_NOT_ALLOWED');
    expect((await h.request('GET', `/v1/liaison/escalations?caseId=${randomUUID()}`, { token: coordinator })).body.items).toEqual([]);
    expectProblem(await h.request('GET', '/v1/liaison/escalations?caseId=not-a-case', { token: coordinator }), 400, 'VALIDATION.FAILED');

    // Each report is in the processing log, for the liaison who made it.
    const ref = h.running.app.get<SubjectPseudonymizer>(SUBJECT_PSEUDONYMIZER, { strict: false }).ref(escalationId);
    const logged = await h.query<{ actor_id: string; outcome: string }>(
      `SELECT actor_id, outcome FROM processing_log WHERE route = '/v1/liaison/escalations/:id/reports' AND data_subject_ref = $1 ORDER BY started_at`,
      [ref],
    );
    expect(logged).toEqual([
      { actor_id: 'agent-jansen', outcome: 'ok' },
      { actor_id: 'agent-de-vries', outcome: 'ok' },
    ]);
  });
});

describe('bad reports change nothing', () => {
  it('refuses another municipality, another role, a stale or malformed If-Match, and an unknown outcome or blank text, with codes', async () => {
    const { escalationId } = await escalatedCase();
    const good = { outcome: 'geen-politieactie', text: 'Geen strafbare feiten geconstateerd' };
    const version = (await h.request('GET', `/v1/liaison/escalations/${escalationId}`, { token: liaison })).body.version as number;
    const before = await h.countEvents();

    expectProblem(await reportOf(escalationId, liaisonHengelo, good), 404, 'ESCALATION.NOT_FOUND');
    expectProblem(await reportOf(randomUUID(), liaison, good), 404, 'ESCALATION.NOT_FOUND');
    expectProblem(await reportOf(escalationId, coordinator, good), 403, 'AUTH.ROLE_NOT_ALLOWED');
    const stale = await reportOf(escalationId, liaison, good, { 'if-match': `"${version - 1}"` });
    expectProblem(stale, 409, 'EVENTSTORE.VERSION_CONFLICT');
    expect(stale.body).toMatchObject({ expectedVersion: version - 1, currentVersion: version });
    expectProblem(await reportOf(escalationId, liaison, good, { 'if-match': 'W/"3"' }), 400, 'VALIDATION.IF_MATCH_INVALID');
    for (const bad of [
      { outcome: 'opgelost', text: 'x' },
      { outcome: 'actie-ondernomen', text: '   ' },
      { outcome: 'actie-ondernomen' },
      { outcome: 'actie-ondernomen', text: 'x'.repeat(2001) },
      { ...good, acknowledgedBy: 'iemand-anders' },
    ]) {
      const res = await reportOf(escalationId, liaison, bad);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
    expect(await h.countEvents()).toBe(before);
    expect((await h.request('GET', `/v1/liaison/escalations/${escalationId}`, { token: liaison })).body).toMatchObject({ status: 'open', lastReport: null, version });
  });

  it('refuses a report once the case\'s personal data was erased (410), changing nothing', async () => {
    const { c, escalationId } = await escalatedCase();
    expect((await reportOf(escalationId, liaison, { outcome: 'in-behandeling', text: 'Onderweg' })).status).toBe(201);
    expect(await keyringOf(h).destroy(databaseOf(h), [keyOwner.case(c.caseId)], randomUUID(), new Date())).toBeGreaterThan(0);
    const before = await h.countEvents();
    expectProblem(await reportOf(escalationId, liaison, { outcome: 'actie-ondernomen', text: 'Te laat' }), 410, 'PRIVACY.ERASED');
    expect(await h.countEvents()).toBe(before);
  });

  it('refuses a report once another process erased the case (its key destroyed while this process still holds it), changing nothing', async () => {
    const { c, escalationId } = await escalatedCase();
    // The first report makes the case's key; the second loads it, and this process keeps it for sealing.
    expect((await reportOf(escalationId, liaison, { outcome: 'in-behandeling', text: 'Onderweg' })).status).toBe(201);
    expect((await reportOf(escalationId, liaison, { outcome: 'in-behandeling', text: 'Ter plaatse' })).status).toBe(201);
    // The router's erasure, as another process does it: the key row destroyed in the database, this process's keyring
    // never told (it keeps the sealing key it cached for the first report).
    await h.query(`UPDATE data_keys SET wrapped_key = NULL, destroyed_at = now(), destruction_id = $2::uuid WHERE owner = $1 AND wrapped_key IS NOT NULL`, [keyOwner.case(c.caseId), randomUUID()]);
    const before = await h.countEvents();
    expectProblem(await reportOf(escalationId, liaison, { outcome: 'actie-ondernomen', text: 'Te laat' }), 410, 'PRIVACY.ERASED');
    expect(await h.countEvents()).toBe(before);
  });
});
