import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REFERRAL_TOPICS } from '#contracts';
import { AVE_MODEL } from '#domain';
import { ProjectionReplayer } from '#eventstore';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import type { TopicWatcher } from '../../../test/support/kafka-probe.js';
import { DISCLOSURE_REGISTER_PROJECTION } from '../src/disclosures/disclosure-register.projection.js';
import { LIAISON_FEED_PROJECTION } from '../src/liaison/liaison-feed.projection.js';
import { connectSse, type SseConnection } from './support/sse-client.js';
import { appendSignals, expectProblem, ScriptedCase, TABLES_APP, TABLES_OUTPUT_TOPICS, timersOf } from './support/tables-fixtures.js';

/**
 * Issue 4: police liaisons only see escalations of the municipalities they serve, and that is the `politie` table's
 * region, on real PostgreSQL and Kafka with the shipped tables (the politie table serves Twente, not Amsterdam).
 * Before, a liaison token naming Amsterdam listed, streamed and acknowledged Amsterdam's escalations, which went out
 * on the police topic with a disclosure and the default tiers. Now an escalation of a municipality the politie
 * table does not serve reaches no liaison: it is recorded undelivered, stays inside (no police topic, no disclosure)
 * and the coordinator is alerted at once, who sees it in their list.
 */

let h: AppHarness;
let watcher: TopicWatcher;
const ENSCHEDE = 'GM0153';
const AMSTERDAM = 'GM0363';
/** A liaison whose token names a municipality of the region and one outside it. */
let liaison: string;
let liaisonAmsterdam: string;
let coordinatorAmsterdam: string;
let coordinatorEnschede: string;
let live: SseConnection;
/** Escalations raised in beforeAll: Amsterdam's first, Enschede's after it. */
const escalations = { amsterdam: { id: '', caseId: '' }, enschede: { id: '', caseId: '' } };

/** An AVE case of `municipality` taken to AVE 4, and the escalation it raised. */
async function escalatedIn(municipality: string): Promise<{ id: string; caseId: string }> {
  const c = new ScriptedCase(h, municipality);
  await c.open(AVE_MODEL, (await appendSignals(h, municipality)).ids);
  await c.walkTo(AVE_MODEL, 'ave-4');
  const row = await waitFor(async () => (await h.query<{ escalation_id: string }>('SELECT escalation_id FROM liaison_escalations WHERE case_id = $1', [c.caseId]))[0], {
    what: `the escalation of case ${c.caseId}`,
  });
  return { id: row.escalation_id, caseId: c.caseId };
}

const ids = (res: { body: { items: { escalationId: string }[] } }) => res.body.items.map((i) => i.escalationId);

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP] });
  watcher = await h.watch(TABLES_OUTPUT_TOPICS);
  liaison = await h.token('police-liaison', [ENSCHEDE, AMSTERDAM], { subject: 'agent-grens' });
  liaisonAmsterdam = await h.token('police-liaison', [AMSTERDAM], { subject: 'agent-amsterdam' });
  coordinatorAmsterdam = await h.token('coordinator', [AMSTERDAM], { subject: 'coordinator-adam' });
  coordinatorEnschede = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-enschede' });
  live = await connectSse(h.url, '/v1/liaison/escalations/stream', liaison);
  expect(live.status).toBe(200);
  escalations.amsterdam = await escalatedIn(AMSTERDAM);
  escalations.enschede = await escalatedIn(ENSCHEDE);
}, 60_000);

afterAll(async () => {
  await h?.stop();
  live?.close();
});

describe('an escalation of a municipality the politie table does not serve', () => {
  it('is recorded with the coordinator alerted at once: no tier, nothing of the case, not on the police topic, no disclosure', async () => {
    const [row] = await h.query<Record<string, any>>('SELECT status, tiers, policy_id, ack_due_at, summary, version FROM liaison_escalations WHERE escalation_id = $1', [escalations.amsterdam.id]);
    expect(row).toMatchObject({ status: 'coordinator-alerted', tiers: [], policy_id: null, ack_due_at: null, version: 2 });
    expect(row!.summary).toMatchObject({ fields: [], case: {} });

    // Enschede's escalation, raised after it, went out on the police topic; Amsterdam's never did.
    const onTopic = (id: string) => (m: { topic: string; key: string | null }) => m.topic === REFERRAL_TOPICS.liaisonEscalations && m.key === `escalation-${id}`;
    await watcher.waitFor(onTopic(escalations.enschede.id), { count: 2 });
    expect(watcher.matching(onTopic(escalations.amsterdam.id))).toEqual([]);
    expect(await h.query('SELECT 1 FROM table_disclosures WHERE subject_ref = $1', [`escalation-${escalations.amsterdam.id}`])).toEqual([]);
    expect(await h.query('SELECT 1 FROM table_disclosures WHERE subject_ref = $1', [`escalation-${escalations.enschede.id}`])).toHaveLength(1);

    // Nobody is waited for: the tier timer never moves it.
    await timersOf(h).tick(new Date(Date.now() + 7 * 24 * 3_600_000));
    expect((await h.query<{ version: number }>('SELECT version FROM liaison_escalations WHERE escalation_id = $1', [escalations.amsterdam.id]))[0]!.version).toBe(2);
  });

  it("is in the coordinator's list of alerts saying why (alertReason), and its steps say nobody at the police received it", async () => {
    const alerts = await h.request('GET', '/v1/liaison/escalations?status=coordinator-alerted', { token: coordinatorAmsterdam });
    expect(alerts.status).toBe(200);
    expect(alerts.body.items.find((i: { escalationId: string }) => i.escalationId === escalations.amsterdam.id)).toMatchObject({
      caseId: escalations.amsterdam.caseId,
      municipality: AMSTERDAM,
      status: 'coordinator-alerted',
      alertReason: 'municipality-not-served',
      tier: null,
    });
    const one = await h.request('GET', `/v1/liaison/escalations/${escalations.amsterdam.id}`, { token: coordinatorAmsterdam });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ status: 'coordinator-alerted', alertReason: 'municipality-not-served' });
    expect(one.body.steps).toEqual([
      expect.objectContaining({ type: 'EscalationRaised', undelivered: 'municipality-not-served', tiers: [], fields: [], case: {} }),
      expect.objectContaining({ type: 'EscalationCoordinatorAlerted', tiersTried: [] }),
    ]);
  });
});

describe('why an escalation reached the coordinator (alertReason)', () => {
  it('is null for the coordinator while a liaison is waited for', async () => {
    const list = await h.request('GET', `/v1/liaison/escalations?caseId=${escalations.enschede.caseId}`, { token: coordinatorEnschede });
    expect(list.body.items).toEqual([expect.objectContaining({ escalationId: escalations.enschede.id, status: 'open', alertReason: null })]);
    const one = await h.request('GET', `/v1/liaison/escalations/${escalations.enschede.id}`, { token: coordinatorEnschede });
    expect(one.body).toMatchObject({ status: 'open', alertReason: null });
  });

  it('is not shown to a liaison: their list and one view are as before', async () => {
    const list = await h.request('GET', `/v1/liaison/escalations?municipality=${ENSCHEDE}&limit=200`, { token: liaison });
    const item = list.body.items.find((i: { escalationId: string }) => i.escalationId === escalations.enschede.id);
    expect(item).toBeDefined();
    const one = await h.request('GET', `/v1/liaison/escalations/${escalations.enschede.id}`, { token: liaison });
    expect(one.status).toBe(200);
    for (const view of [item, one.body]) expect(Object.keys(view)).not.toEqual(expect.arrayContaining(['alertReason']));
  });
});

describe("a police liaison sees and acts only within the politie table's region", () => {
  it("lists the token's municipalities that the politie table serves; one it does not serve, asked for, is refused", async () => {
    const mine = await h.request('GET', '/v1/liaison/escalations?limit=200', { token: liaison });
    expect(mine.status).toBe(200);
    expect(ids(mine)).toContain(escalations.enschede.id);
    expect(ids(mine)).not.toContain(escalations.amsterdam.id);
    expect(ids(await h.request('GET', `/v1/liaison/escalations?municipality=${ENSCHEDE}`, { token: liaison }))).toContain(escalations.enschede.id);
    expectProblem(await h.request('GET', `/v1/liaison/escalations?municipality=${AMSTERDAM}`, { token: liaison }), 403, 'LIAISON.MUNICIPALITY_NOT_SERVED');
    // A token naming only municipalities outside the region lists nothing.
    const outside = await h.request('GET', '/v1/liaison/escalations', { token: liaisonAmsterdam });
    expect({ status: outside.status, items: outside.body.items }).toEqual({ status: 200, items: [] });
  });

  it('does not find, acknowledge or report on an escalation outside the region (404 ESCALATION.NOT_FOUND), changing nothing', async () => {
    const before = await h.countEvents();
    const id = escalations.amsterdam.id;
    for (const token of [liaison, liaisonAmsterdam]) {
      expectProblem(await h.request('GET', `/v1/liaison/escalations/${id}`, { token }), 404, 'ESCALATION.NOT_FOUND');
      expectProblem(await h.request('POST', `/v1/liaison/escalations/${id}/ack`, { token }), 404, 'ESCALATION.NOT_FOUND');
      expectProblem(await h.request('POST', `/v1/liaison/escalations/${id}/reports`, { token, body: { outcome: 'in-behandeling', text: 'Gezien' } }), 404, 'ESCALATION.NOT_FOUND');
    }
    expect(await h.countEvents()).toBe(before);
    // Inside the region all is as before.
    expect((await h.request('POST', `/v1/liaison/escalations/${escalations.enschede.id}/ack`, { token: liaison })).body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'agent-grens' });
  });

  it('streams only the region: never a step outside it, nor resumes after one (422 LIAISON.LAST_EVENT_ID_UNKNOWN)', async () => {
    // The feed is in commit order: Enschede's steps come after Amsterdam's would have.
    await live.waitFor((e) => e.data.escalationId === escalations.enschede.id && e.event === 'EscalationTierNotified', { what: "Enschede's tier 1" });
    expect(live.events.filter((e) => e.data.escalationId === escalations.amsterdam.id)).toEqual([]);
    const [outside] = await h.query<{ event_id: string }>('SELECT event_id FROM liaison_feed WHERE escalation_id = $1 ORDER BY seq LIMIT 1', [escalations.amsterdam.id]);
    const resumed = await connectSse(h.url, '/v1/liaison/escalations/stream', liaison, outside!.event_id);
    expect({ status: resumed.status, code: resumed.problem?.code }).toEqual({ status: 422, code: 'LIAISON.LAST_EVENT_ID_UNKNOWN' });
  });
});

describe('replay', () => {
  it('rebuilds the liaison feed and the disclosure register hash-identical to the live tables (no disclosure for what stayed inside)', async () => {
    const replayer = new ProjectionReplayer(h.db, [LIAISON_FEED_PROJECTION, DISCLOSURE_REGISTER_PROJECTION]);
    for (const projection of [LIAISON_FEED_PROJECTION.name, DISCLOSURE_REGISTER_PROJECTION.name]) {
      // A replay reads only below the oldest transaction in flight on the whole server: poll until it reaches the live tables.
      let last: Awaited<ReturnType<typeof replayer.replay>> | undefined;
      await waitFor(async () => (last = await replayer.replay(projection)).identical, { what: `the replay of ${projection}`, timeoutMs: 30_000 }).catch((error: unknown) => {
        throw new Error(`${projection} never became identical to its replay: ${JSON.stringify(last?.tables.map((t) => t.differences))}`, { cause: error });
      });
    }
  });
});
