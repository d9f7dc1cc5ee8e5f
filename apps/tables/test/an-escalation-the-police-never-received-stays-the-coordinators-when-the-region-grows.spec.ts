import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AVE_MODEL } from '#domain';
import { startProcess, type RunningProcess } from '#platform';
import { httpRequest, startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { connectSse } from './support/sse-client.js';
import { tablesWithInPoliceRegion } from './support/police-region-config.js';
import { appendSignals, expectProblem, ScriptedCase, TABLES_APP } from './support/tables-fixtures.js';

/**
 * An escalation raised while the politie table did not serve its municipality was never sent to the police: it went
 * to the coordinator at once (`alertReason: municipality-not-served`). When a restart with another TABLES_CONFIG_FILE
 * takes the municipality into the region, that escalation stays the coordinator's: no liaison lists, reads,
 * streams, acknowledges or reports on it (an acknowledgement used to be accepted, and published on the police topic
 * for an escalation whose raise never went there).
 * On real PostgreSQL and Kafka: the restarted process is a second one on the same database with the new file.
 */

const AMSTERDAM = 'GM0363';
let h: AppHarness;
let restarted: RunningProcess;
let work: string;
let liaison: string;
let coordinator: string;
let undelivered: string;

/** An AVE case of Amsterdam taken to AVE 4 on `harness`, and the escalation it raised. */
async function escalated(harness: AppHarness): Promise<string> {
  const c = new ScriptedCase(harness, AMSTERDAM);
  await c.open(AVE_MODEL, (await appendSignals(harness, AMSTERDAM)).ids);
  await c.walkTo(AVE_MODEL, 'ave-4');
  const row = await waitFor(async () => (await h.query<{ escalation_id: string }>('SELECT escalation_id FROM liaison_escalations WHERE case_id = $1', [c.caseId]))[0], {
    what: `the escalation of case ${c.caseId}`,
  });
  return row.escalation_id;
}

/** The built-in tables with Amsterdam in the politie table's region (the `'*'` policy gives it tiers). */
beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP] });
  work = await mkdtemp(path.join(tmpdir(), 'sr-region-grows-'));
  liaison = await h.token('police-liaison', [AMSTERDAM], { subject: 'agent-de-vries' });
  coordinator = await h.token('coordinator', [AMSTERDAM], { subject: 'coordinator-amsterdam' });
  undelivered = await escalated(h);
  expect((await h.query('SELECT alert_reason FROM liaison_escalations WHERE escalation_id = $1', [undelivered]))[0]).toEqual({ alert_reason: 'municipality-not-served' });
  restarted = await startProcess([TABLES_APP], { env: { ...h.env, TABLES_CONFIG_FILE: await tablesWithInPoliceRegion(work, AMSTERDAM) }, firstPruneAfterMs: 3_600_000 });
}, 120_000);

afterAll(async () => {
  await restarted?.app.close();
  await h?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

const call = (method: string, urlPath: string, token: string, body?: unknown) => httpRequest(restarted.url!, method, urlPath, { token, body });

describe('after a restart that takes Amsterdam into the politie table’s region', () => {
  it('the escalation the police never received is not in a liaison’s list, nor readable, nor acknowledged or reported on (404), and nothing is appended', async () => {
    const versionBefore = (await h.query<{ version: number }>('SELECT version FROM liaison_escalations WHERE escalation_id = $1', [undelivered]))[0]!.version;
    const list = await call('GET', '/v1/liaison/escalations', liaison);
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: { escalationId: string }) => e.escalationId)).not.toContain(undelivered);
    expectProblem(await call('GET', `/v1/liaison/escalations/${undelivered}`, liaison), 404, 'ESCALATION.NOT_FOUND');
    expectProblem(await call('POST', `/v1/liaison/escalations/${undelivered}/ack`, liaison), 404, 'ESCALATION.NOT_FOUND');
    expectProblem(await call('POST', `/v1/liaison/escalations/${undelivered}/reports`, liaison, { outcome: 'actie-ondernomen', text: 'Langs geweest' }), 404, 'ESCALATION.NOT_FOUND');
    expect((await h.query<{ version: number }>('SELECT version FROM liaison_escalations WHERE escalation_id = $1', [undelivered]))[0]!.version).toBe(versionBefore);
  });

  it('the stream does not resume after one of its steps (422 LIAISON.LAST_EVENT_ID_UNKNOWN)', async () => {
    const [raised] = await h.query<{ event_id: string }>('SELECT event_id FROM liaison_feed WHERE escalation_id = $1 ORDER BY seq LIMIT 1', [undelivered]);
    const resumed = await connectSse(restarted.url!, '/v1/liaison/escalations/stream', liaison, raised!.event_id);
    expect({ status: resumed.status, code: resumed.problem?.code }).toEqual({ status: 422, code: 'LIAISON.LAST_EVENT_ID_UNKNOWN' });
  });

  it('stays in the coordinator’s list with alertReason municipality-not-served', async () => {
    const list = await call('GET', '/v1/liaison/escalations?status=coordinator-alerted', coordinator);
    expect(list.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ escalationId: undelivered, alertReason: 'municipality-not-served' })]));
  });

});
