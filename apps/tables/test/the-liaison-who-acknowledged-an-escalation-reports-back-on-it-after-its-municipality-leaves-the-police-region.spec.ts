import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AVE_MODEL } from '#domain';
import { startProcess, type RunningProcess } from '#platform';
import { httpRequest, startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { connectSse } from './support/sse-client.js';
import { tablesWithoutInPoliceRegion } from './support/police-region-config.js';
import { appendSignals, expectProblem, ScriptedCase, TABLES_APP } from './support/tables-fixtures.js';

/**
 * A police liaison who acknowledged an escalation keeps reporting back on it after a restart with a
 * TABLES_CONFIG_FILE that takes its municipality out of the politie table's region, as long as their token still
 * names the municipality: a report back is what the police did, for the municipality, about an escalation the
 * liaison received while the region covered it. Before, the report was 404 and what the police did was lost. They
 * read that one escalation (its steps and ETag, for If-Match) without the case the police was sent: the region no
 * longer covers giving it to them again. Everyone else gets what they got (404), and lists, the stream and
 * acknowledgements stay within the region. On real PostgreSQL and Kafka: the restarted process is a second one on the
 * same database with the new file.
 */

let h: AppHarness;
let restarted: RunningProcess;
let work: string;
const ENSCHEDE = 'GM0153';
const HENGELO = 'GM0164';
let jansen: string;
/** Agent Jansen again, with a token that no longer names Enschede. */
let jansenInHengelo: string;
let deVries: string;
let coordinator: string;
/** Acknowledged by Jansen, and by De Vries; the case's subject name as the police was sent it. */
const escalations = { byJansen: { id: '', subjectName: '' }, byDeVries: { id: '', subjectName: '' } };

/** An AVE case of Enschede taken to AVE 4, its escalation acknowledged by `liaison` once the police has the whole case. */
async function acknowledgedBy(liaison: string): Promise<{ id: string; subjectName: string }> {
  const c = new ScriptedCase(h, ENSCHEDE);
  const signals = await appendSignals(h, ENSCHEDE);
  await c.open(AVE_MODEL, signals.ids);
  await c.walkTo(AVE_MODEL, 'ave-4');
  const row = await waitFor(async () => (await h.query<{ escalation_id: string }>('SELECT escalation_id FROM liaison_escalations WHERE case_id = $1', [c.caseId]))[0], {
    what: `the escalation of case ${c.caseId}`,
  });
  // The escalation does not wait for the signals' facts: the subject's name may come with a supplement.
  await waitFor(async () => (await h.request('GET', `/v1/liaison/escalations/${row.escalation_id}`, { token: liaison })).body?.case?.subjectName?.[0] === signals.texts.subject, {
    what: `the subject's name on escalation ${row.escalation_id}`,
  });
  expect((await h.request('POST', `/v1/liaison/escalations/${row.escalation_id}/ack`, { token: liaison })).body).toMatchObject({ status: 'acknowledged' });
  return { id: row.escalation_id, subjectName: signals.texts.subject };
}

const request = (method: string, urlPath: string, token: string, options: { body?: unknown; headers?: Record<string, string> } = {}) => httpRequest(restarted.url!, method, urlPath, { token, ...options });
const report = { outcome: 'actie-ondernomen', text: 'Bewoner aangesproken, zaak overgedragen aan de recherche' };

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP] });
  work = await mkdtemp(path.join(tmpdir(), 'sr-report-back-after-region-change-'));
  jansen = await h.token('police-liaison', [ENSCHEDE], { subject: 'agent-jansen' });
  jansenInHengelo = await h.token('police-liaison', [HENGELO], { subject: 'agent-jansen' });
  deVries = await h.token('police-liaison', [ENSCHEDE], { subject: 'agent-de-vries' });
  coordinator = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-anna' });
  escalations.byJansen = await acknowledgedBy(jansen);
  escalations.byDeVries = await acknowledgedBy(deVries);
  restarted = await startProcess([TABLES_APP], { env: { ...h.env, TABLES_CONFIG_FILE: await tablesWithoutInPoliceRegion(work, ENSCHEDE) }, firstPruneAfterMs: 3_600_000 });
}, 180_000);

afterAll(async () => {
  await restarted?.app.close();
  await h?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('after its municipality left the politie table’s region, the liaison who acknowledged an escalation', () => {
  it('reads that escalation, its steps and ETag, without the case the police was sent', async () => {
    const { id, subjectName } = escalations.byJansen;
    const one = await request('GET', `/v1/liaison/escalations/${id}`, jansen);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ escalationId: id, municipality: ENSCHEDE, status: 'acknowledged', acknowledgedBy: 'agent-jansen', fields: [], case: {} });
    expect(one.headers.get('etag')).toBe(`"${one.body.version}"`);
    expect(one.body.steps.map((s: { type: string }) => s.type)).toEqual(expect.arrayContaining(['EscalationRaised', 'EscalationTierNotified', 'EscalationAcknowledged']));
    for (const step of one.body.steps as Record<string, unknown>[]) expect({ type: step.type, fields: step.fields ?? [], case: step.case ?? {} }).toEqual({ type: step.type, fields: [], case: {} });
    expect(one.text).not.toContain(subjectName);
  });

  it('reports back on it, with If-Match; the coordinator reads the report with the escalation', async () => {
    const { id, subjectName } = escalations.byJansen;
    const [{ version }] = (await h.query<{ version: number }>('SELECT version FROM liaison_escalations WHERE escalation_id = $1', [id])) as [{ version: number }];
    const before = await h.countEvents();

    const reported = await request('POST', `/v1/liaison/escalations/${id}/reports`, jansen, { body: report, headers: { 'if-match': `"${version}"` } });
    expect(reported.status).toBe(201);
    expect(reported.body).toMatchObject({ escalationId: id, status: 'acknowledged', lastReport: { outcome: report.outcome, by: 'agent-jansen' }, fields: [], case: {} });
    expect(reported.text).not.toContain(subjectName);
    expect(reported.headers.get('etag')).toBe(`"${version + 1}"`);
    expect(await h.countEvents()).toBe(before + 1);

    const seen = await request('GET', `/v1/liaison/escalations/${id}`, coordinator);
    expect(seen.body).toMatchObject({ lastReport: { outcome: report.outcome, by: 'agent-jansen' }, case: { subjectName: [subjectName] } });
    expect(seen.body.steps.filter((s: { type: string }) => s.type === 'EscalationReportedBack')).toEqual([expect.objectContaining({ ...report, reportedBy: { id: 'agent-jansen', role: 'police-liaison' } })]);
  });

  it('may neither acknowledge it again, nor find it in a list or on the stream: those stay within the region', async () => {
    const { id } = escalations.byJansen;
    expectProblem(await request('POST', `/v1/liaison/escalations/${id}/ack`, jansen), 404, 'ESCALATION.NOT_FOUND');
    const mine = await request('GET', '/v1/liaison/escalations?limit=200', jansen);
    expect({ status: mine.status, items: mine.body.items }).toEqual({ status: 200, items: [] });
    expectProblem(await request('GET', `/v1/liaison/escalations?municipality=${ENSCHEDE}`, jansen), 403, 'LIAISON.MUNICIPALITY_NOT_SERVED');
    const [step] = await h.query<{ event_id: string }>('SELECT event_id FROM liaison_feed WHERE escalation_id = $1 ORDER BY seq LIMIT 1', [id]);
    const resumed = await connectSse(restarted.url!, '/v1/liaison/escalations/stream', jansen, step!.event_id);
    expect({ status: resumed.status, code: resumed.problem?.code }).toEqual({ status: 422, code: 'LIAISON.LAST_EVENT_ID_UNKNOWN' });
    resumed.close();
  });
});

describe('everyone else gets what they got before (404), changing nothing', () => {
  it('another liaison of the municipality, the acknowledging liaison on an escalation someone else acknowledged, and the acknowledging liaison with a token no longer naming the municipality', async () => {
    const before = await h.countEvents();
    for (const [token, id] of [
      [deVries, escalations.byJansen.id],
      [jansen, escalations.byDeVries.id],
      [jansenInHengelo, escalations.byJansen.id],
    ] as const) {
      expectProblem(await request('GET', `/v1/liaison/escalations/${id}`, token), 404, 'ESCALATION.NOT_FOUND');
      expectProblem(await request('POST', `/v1/liaison/escalations/${id}/reports`, token, { body: report }), 404, 'ESCALATION.NOT_FOUND');
    }
    expect(await h.countEvents()).toBe(before);
  });
});
