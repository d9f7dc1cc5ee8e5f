import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REFERRAL_TOPICS, TOPICS } from '#contracts';
import { AVE_MODEL, ONDERMIJNING_INTAKE_MODEL, ZEVEN_STAPPENMODEL_MODEL } from '#domain';
import { SUBJECT_PSEUDONYMIZER, type SubjectPseudonymizer } from '#platform';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import type { TopicWatcher } from '../../../test/support/kafka-probe.js';
import { connectSse, type SseConnection } from './support/sse-client.js';
import { appendSignals as appendTheSignals, BSN, draftSignals, envelopeOf, expectProblem, keyringOf, ScriptedCase, TABLES_APP, TABLES_OUTPUT_TOPICS, timersOf } from './support/tables-fixtures.js';
import { leaksIn, type KeptInside } from './support/what-leaves-the-municipality.js';

/**
 * Police liaison escalations on real PostgreSQL and Kafka: AVE 4 (MayorInformed), a configured transition
 * and a breached deadline raise an escalation; tiers are notified in order until a liaison of the
 * municipality acknowledges; the list, the SSE stream (resuming from Last-Event-ID) and the Kafka topic
 * show every step.
 */

let h: AppHarness;
let watcher: TopicWatcher;
const ENSCHEDE = 'GM0153';
const HENGELO = 'GM0164';
let liaison: string;
let liaisonHengelo: string;
let coordinator: string;
const streams: SseConnection[] = [];
/** Every signal this file appends: their reporter references, BSN and concerns must never reach the police. */
const appended: Awaited<ReturnType<typeof appendTheSignals>>[] = [];

async function appendSignals(...args: Parameters<typeof appendTheSignals>) {
  const signals = await appendTheSignals(...args);
  appended.push(signals);
  return signals;
}

/** What stays inside the municipality, of the given signals. */
const keptInside = (signals: readonly Awaited<ReturnType<typeof appendTheSignals>>[]): KeptInside => ({
  bsn: [BSN],
  reporter: signals.map((s) => s.reporterRef),
  zorg: signals.map((s) => s.texts.concern), // zorg details do not go to the police
});

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP] });
  watcher = await h.watch(TABLES_OUTPUT_TOPICS);
  liaison = await h.token('police-liaison', [ENSCHEDE], { subject: 'agent-jansen' });
  liaisonHengelo = await h.token('police-liaison', [HENGELO], { subject: 'agent-hengelo' });
  coordinator = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-anna' });
});

afterAll(async () => {
  // Streams still open: shutting down must end them (the HTTP server would otherwise wait for them).
  await h?.stop();
  streams.forEach((s) => s.close());
});

async function stream(token: string, lastEventId?: string): Promise<SseConnection> {
  const s = await connectSse(h.url, '/v1/liaison/escalations/stream', token, lastEventId);
  streams.push(s);
  return s;
}

/** The escalation raised for a case, once it exists. */
const escalationOf = (caseId: string) =>
  waitFor(async () => (await h.query<Record<string, any>>('SELECT * FROM liaison_escalations WHERE case_id = $1', [caseId]))[0], { what: `an escalation of case ${caseId}` });

async function aveCaseAtAve4() {
  const signals = await appendSignals(h, ENSCHEDE);
  // The signals' facts come on their own topic; in the product the router opens a case only after it has the
  // signal, and people take the steps to AVE 4. This script takes them within milliseconds, so it waits for the
  // facts first (an escalation raised before them carries the case without its signals' fields until they arrive).
  await waitFor(async () => (await h.query<{ n: number }>('SELECT count(*)::int AS n FROM tables_signal_facts WHERE signal_id = ANY($1)', [signals.ids]))[0]!.n === signals.ids.length, {
    what: "the signals' facts in the tables app",
  });
  const c = new ScriptedCase(h, ENSCHEDE);
  await c.open(AVE_MODEL, signals.ids);
  await c.walkTo(AVE_MODEL, 'ave-4');
  return { c, signals };
}

describe('AVE 4: tier 1 does not acknowledge, tier 2 gets it after the timeout; the stream and Kafka show it', () => {
  it('escalates through the tiers on the injected clock and stops at the acknowledgement', async () => {
    const live = await stream(liaison);
    const { c, signals } = await aveCaseAtAve4();
    const row = await escalationOf(c.caseId);
    const id: string = row.escalation_id;
    const mine = (type: string) => (e: { data: any }) => e.data.escalationId === id && e.data.type === type;

    const [raised] = await live.waitFor(mine('EscalationRaised'), { what: 'EscalationRaised' });
    expect(raised!.data).toMatchObject({ municipality: ENSCHEDE, caseType: 'ave', trigger: { kind: 'notification', detail: 'MayorInformed', state: 'ave-4' }, policyId: 'twente' });
    expect(raised!.data.case).toMatchObject({ caseState: 'ave-4', subjectName: [signals.texts.subject] });
    // What the stream delivered is in the processing log: a line for this escalation, for this liaison.
    const ref = h.running.app.get<SubjectPseudonymizer>(SUBJECT_PSEUDONYMIZER, { strict: false }).ref(id);
    const delivered = await h.query<{ actor_id: string; data_subject_type: string }>(
      "SELECT actor_id, data_subject_type FROM processing_log WHERE operation = 'SSE /v1/liaison/escalations/stream' AND data_subject_ref = $1",
      [ref],
    );
    expect(delivered).toContainEqual({ actor_id: 'agent-jansen', data_subject_type: 'escalation' });
    await live.waitFor((e) => mine('EscalationTierNotified')(e) && e.data.tierId === 'dienstdoende-liaison', { what: 'tier 1' });

    const list = await h.request('GET', '/v1/liaison/escalations?status=open&limit=200', { token: liaison });
    expect(list.body.items.find((i: { escalationId: string }) => i.escalationId === id)).toMatchObject({ status: 'open', tier: { index: 0, id: 'dienstdoende-liaison', attempt: 1 } });
    expect(JSON.stringify(list.body)).not.toContain(c.caseId);
    const hengeloList = await h.request('GET', '/v1/liaison/escalations?limit=200', { token: liaisonHengelo });
    expect(hengeloList.body.items.map((i: { escalationId: string }) => i.escalationId)).not.toContain(id);

    // Tier 1 is notified twice (repeat 1), 15 minutes each; then the backup.
    const timers = timersOf(h);
    const t1 = new Date(row.ack_due_at).getTime();
    await timers.tick(new Date(t1 - 1));
    expect((await escalationOf(c.caseId)).attempt).toBe(1);
    await timers.tick(new Date(t1));
    await live.waitFor((e) => mine('EscalationTierNotified')(e) && e.data.tierId === 'dienstdoende-liaison' && e.data.attempt === 2, { what: 'tier 1 again' });
    await timers.tick(new Date(t1 + 15 * 60_000));
    const [tier2] = await live.waitFor((e) => mine('EscalationTierNotified')(e) && e.data.tierId === 'backup-liaison', { what: 'tier 2' });
    expect(tier2!.data).toMatchObject({ tierIndex: 1, attempt: 1, ackDueAt: new Date(t1 + 30 * 60_000).toISOString() });
    await watcher.waitFor((m) => m.topic === REFERRAL_TOPICS.liaisonEscalations && m.key === `escalation-${id}` && envelopeOf(m).payload.tierId === 'backup-liaison');

    // Someone else's escalation: nothing changes.
    const before = await h.countEvents();
    expectProblem(await h.request('POST', `/v1/liaison/escalations/${id}/ack`, { token: liaisonHengelo }), 404, 'ESCALATION.NOT_FOUND');
    expectProblem(await h.request('POST', `/v1/liaison/escalations/${id}/ack`, { token: coordinator }), 403, 'AUTH.ROLE_NOT_ALLOWED');
    // An id of the right length that is no uuid: no such escalation, not a database error.
    const notAUuid = '-'.repeat(36);
    expectProblem(await h.request('POST', `/v1/liaison/escalations/${notAUuid}/ack`, { token: liaison }), 404, 'ESCALATION.NOT_FOUND');
    expectProblem(await h.request('GET', `/v1/liaison/escalations/${notAUuid}`, { token: liaison }), 404, 'ESCALATION.NOT_FOUND');
    expect(await h.countEvents()).toBe(before);

    const ack = await h.request('POST', `/v1/liaison/escalations/${id}/ack`, { token: liaison });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ escalationId: id, status: 'acknowledged', acknowledgedBy: 'agent-jansen', tier: { id: 'backup-liaison' } });
    await live.waitFor(mine('EscalationAcknowledged'), { what: 'acknowledged' });
    const again = await h.request('POST', `/v1/liaison/escalations/${id}/ack`, { token: liaison });
    expect(again.body.version).toBe(ack.body.version);
    await timers.tick(new Date(t1 + 24 * 3_600_000));

    const steps = (await h.request('GET', `/v1/liaison/escalations/${id}`, { token: liaison })).body.steps.map((s: { type: string; tierId?: string }) => `${s.type}${s.tierId ? `:${s.tierId}` : ''}`);
    expect(steps).toEqual([
      'EscalationRaised',
      'EscalationTierNotified:dienstdoende-liaison',
      'EscalationAckTimedOut:dienstdoende-liaison',
      'EscalationTierNotified:dienstdoende-liaison',
      'EscalationAckTimedOut:dienstdoende-liaison',
      'EscalationTierNotified:backup-liaison',
      'EscalationAcknowledged:backup-liaison',
    ]);
    const onKafka = await watcher.waitFor((m) => m.topic === REFERRAL_TOPICS.liaisonEscalations && m.key === `escalation-${id}`, { count: 7 });
    // Searched raw and with every sealed value opened (the subject's name travels sealed, so could a BSN).
    const searched = await leaksIn(keyringOf(h), onKafka, keptInside([signals]));
    expect(searched.leaks).toEqual([]);
    expect(searched.opened).toBeGreaterThan(0);

    // Resuming after the first step replays the rest, in order; the stream's ids are the event ids.
    const resumed = await stream(liaison, raised!.id!);
    const replay = await resumed.waitFor((e) => e.data.escalationId === id, { count: 6 });
    expect(replay.map((e) => e.event)).toEqual(steps.slice(1).map((s: string) => s.split(':')[0]));
    expect(replay[0]!.id).toBe(live.events.find((e) => e.data.escalationId === id && e.event === 'EscalationTierNotified')!.id);
  });

  it('refuses a Last-Event-ID that does not exist (or is not yours) with a clear code, streaming nothing', async () => {
    for (const [token, lastEventId] of [[liaison, randomUUID()], [liaison, 'not-an-id'], [liaisonHengelo, streams[0]!.events[0]?.id ?? randomUUID()]] as const) {
      const s = await stream(token, lastEventId);
      expect({ status: s.status, code: s.problem?.code }).toEqual({ status: 422, code: 'LIAISON.LAST_EVENT_ID_UNKNOWN' });
    }
  });
});

describe('every tier exhausted: the coordinator is alerted', () => {
  it('alerts the coordinator, who sees the escalation with its case', async () => {
    const { c } = await aveCaseAtAve4();
    const row = await escalationOf(c.caseId);
    const timers = timersOf(h);
    let at = new Date(row.ack_due_at).getTime();
    for (const minutes of [15, 15, 30, 0]) {
      await timers.tick(new Date(at));
      at += minutes * 60_000;
    }
    const after = await escalationOf(c.caseId);
    expect(after.status).toBe('coordinator-alerted');
    const [alert] = await watcher.waitFor((m) => m.key === `escalation-${row.escalation_id}` && envelopeOf(m).type === 'EscalationCoordinatorAlerted');
    expect(envelopeOf(alert!).payload).toMatchObject({ tiersTried: ['dienstdoende-liaison', 'backup-liaison', 'teamchef'] });
    const seen = await h.request('GET', '/v1/liaison/escalations?status=coordinator-alerted&limit=200', { token: coordinator });
    expect(seen.body.items.find((i: { escalationId: string }) => i.escalationId === row.escalation_id)).toMatchObject({ caseId: c.caseId, status: 'coordinator-alerted' });
    // A late acknowledgement is still recorded.
    expect((await h.request('POST', `/v1/liaison/escalations/${row.escalation_id}/ack`, { token: liaison })).body.status).toBe('acknowledged');
  });
});

describe('other triggers', () => {
  it('a configured transition (7-stappenmodel step 2B) escalates', async () => {
    const signals = await appendSignals(h, ENSCHEDE);
    const c = new ScriptedCase(h, ENSCHEDE);
    await c.open(ZEVEN_STAPPENMODEL_MODEL, signals.ids);
    await c.walkTo(ZEVEN_STAPPENMODEL_MODEL, 'stap-2b');
    expect(JSON.parse(JSON.stringify((await escalationOf(c.caseId)).trigger))).toEqual({ kind: 'transition', detail: 'stap-2b', state: 'stap-2b' });
  });

  it('a breached configured deadline (ondermijning pickup) escalates, once', async () => {
    const signals = await appendSignals(h, ENSCHEDE);
    const c = new ScriptedCase(h, ENSCHEDE);
    await c.open(ONDERMIJNING_INTAKE_MODEL, signals.ids);
    const deadline = c.state.status === 'open' ? c.state.deadlines[0]! : null;
    await c.run({ type: 'RecordDeadlineBreached', deadlineId: deadline!.deadlineId, actor: { id: 'system', role: 'system' } }, [], new Date(deadline!.dueAt));
    const row = await escalationOf(c.caseId);
    expect(row.trigger).toEqual({ kind: 'deadline-breached', detail: 'oppakken', state: 'ontvangst' });
    expect(await h.query('SELECT 1 FROM liaison_escalations WHERE case_id = $1', [c.caseId])).toHaveLength(1);
    const [disclosure] = await h.query<Record<string, any>>('SELECT * FROM table_disclosures WHERE subject_ref = $1', [`escalation-${row.escalation_id}`]);
    expect(disclosure).toMatchObject({ recipient: 'politie', processing_activity: 'verstrekking-politie', case_id: c.caseId });
  });

  it('an AVE case that only moves to AVE 3 does not escalate', async () => {
    const signals = await appendSignals(h, ENSCHEDE);
    const c = new ScriptedCase(h, ENSCHEDE);
    await c.open(AVE_MODEL, signals.ids);
    await c.walkTo(AVE_MODEL, 'ave-3');
    const marker = `Markering ${randomUUID()}`;
    await c.note(marker, 'deelbaar');
    await waitFor(async () => JSON.stringify((await h.query('SELECT sheet FROM tables_case_sheets WHERE case_id = $1', [c.caseId]))[0]?.sheet ?? '').includes(marker));
    expect(await h.query('SELECT 1 FROM liaison_escalations WHERE case_id = $1', [c.caseId])).toEqual([]);
  });
});

describe("an escalation raised before its signals' facts reached the tables app", () => {
  it('goes out at once, and the police gets the case complete, once, when the last of the facts arrives', async () => {
    const live = await stream(liaison);
    const late = draftSignals(h, ENSCHEDE);
    appended.push(late);
    const [mma, internal, zorg] = late.ids as [string, string, string];
    await late.append([mma]);
    const c = new ScriptedCase(h, ENSCHEDE);
    await c.open(AVE_MODEL, late.ids);
    await c.walkTo(AVE_MODEL, 'ave-4');

    // Raised without waiting: the tier is notified, the case has no person yet (the zorgmelding has not arrived).
    const row = await escalationOf(c.caseId);
    const id: string = row.escalation_id;
    const mine = (type: string) => (e: { data: any }) => e.data.escalationId === id && e.data.type === type;
    const [raised] = await live.waitFor(mine('EscalationRaised'), { what: 'EscalationRaised' });
    expect(raised!.data.case).toMatchObject({ caseState: 'ave-4', subjectName: [] });
    await live.waitFor(mine('EscalationTierNotified'), { what: 'tier 1' });
    const parked = await waitFor(async () => (await h.query<{ waiting_for: string[] }>('SELECT waiting_for FROM tables_pending_escalation_facts WHERE escalation_id = $1', [id]))[0], { what: 'the escalation waiting for facts' });
    expect([...parked.waiting_for].sort()).toEqual([internal, zorg].sort());

    // One of the two is not enough; the last one sends the case again, complete.
    await late.append([internal]);
    await waitFor(async () => (await h.query<{ waiting_for: string[] }>('SELECT waiting_for FROM tables_pending_escalation_facts WHERE escalation_id = $1', [id]))[0]?.waiting_for.length === 1, { what: 'one signal struck off' });
    expect(live.events.filter(mine('EscalationCaseSupplemented'))).toEqual([]);
    const zorgEvents = await late.append([zorg]);
    const [supplemented] = await live.waitFor(mine('EscalationCaseSupplemented'), { what: 'EscalationCaseSupplemented' });
    expect(supplemented!.data.case).toMatchObject({ caseState: 'ave-4', subjectName: [late.texts.subject], subjectBirthDate: ['1980-05-17'], subjectAddress: ['Dorpsstraat 2'] });
    expect(supplemented!.data.fields).toEqual(raised!.data.fields);
    expect(await h.query('SELECT 1 FROM tables_pending_escalation_facts WHERE escalation_id = $1', [id])).toEqual([]);

    // The escalation shows the complete case; its tier and timer did not move.
    const shown = await h.request('GET', `/v1/liaison/escalations/${id}`, { token: liaison });
    expect(shown.body).toMatchObject({ status: 'open', tier: { index: 0, attempt: 1 }, ackDueAt: new Date(row.ack_due_at).toISOString(), version: 3 });
    expect(shown.body.case.subjectName).toEqual([late.texts.subject]);
    expect(shown.body.steps.map((s: { type: string }) => s.type)).toEqual(['EscalationRaised', 'EscalationTierNotified', 'EscalationCaseSupplemented']);
    // Each delivery to the police is a disclosure of its own.
    const disclosures = await h.query<{ event_id: string; fields: string[] }>('SELECT event_id, fields FROM table_disclosures WHERE subject_ref = $1 ORDER BY disclosed_at', [`escalation-${id}`]);
    expect(disclosures.map((d) => d.event_id)).toEqual([raised!.id, supplemented!.id]);

    // Redelivering the last fact sends nothing again: the redelivery and then a marker signal go on one partition, in order.
    const marker = draftSignals(h, ENSCHEDE);
    appended.push(marker);
    await h.produce(TOPICS.signals, zorgEvents.map((e) => ({ key: `signal-${marker.ids[0]}`, value: JSON.stringify(e) })));
    await marker.append([marker.ids[0]!]);
    await waitFor(async () => (await h.query('SELECT 1 FROM tables_signal_facts WHERE signal_id = $1', [marker.ids[0]])).length === 1, { what: 'the marker signal' });
    const onKafka = watcher.matching((m) => m.topic === REFERRAL_TOPICS.liaisonEscalations && m.key === `escalation-${id}`);
    expect(onKafka.filter((m) => envelopeOf(m).type === 'EscalationCaseSupplemented')).toHaveLength(1);
    expect((await h.query('SELECT 1 FROM table_disclosures WHERE subject_ref = $1', [`escalation-${id}`])).length).toBe(2);
    expect((await leaksIn(keyringOf(h), onKafka, keptInside([late]))).leaks).toEqual([]);
  });
});

describe('the escalation list', () => {
  it('pages through every escalation with nextCursor, each once, newest first', async () => {
    const all = await h.request('GET', '/v1/liaison/escalations?limit=200', { token: coordinator });
    expect(all.body.items.length).toBeGreaterThanOrEqual(2);
    expect(all.body.nextCursor).toBeNull();
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { escalationId: string }[]; nextCursor: string | null } } = await h.request('GET', `/v1/liaison/escalations?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: coordinator });
      expect(page.status).toBe(200);
      paged.push(...page.body.items.map((i) => i.escalationId));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(paged).toEqual(all.body.items.map((i: { escalationId: string }) => i.escalationId));
  });

  it("finds a case's escalations by its id in capitals as by its id in lower case (a uuid is read in either case)", async () => {
    const { c } = await aveCaseAtAve4();
    const row = await escalationOf(c.caseId);
    const lower = await h.request('GET', `/v1/liaison/escalations?caseId=${c.caseId}`, { token: coordinator });
    expect(lower.body.items.map((i: { escalationId: string }) => i.escalationId)).toEqual([row.escalation_id]);
    const upper = await h.request('GET', `/v1/liaison/escalations?caseId=${c.caseId.toUpperCase()}`, { token: coordinator });
    expect({ status: upper.status, items: upper.body.items }).toEqual({ status: 200, items: lower.body.items });
  });
});

describe('what leaves the municipality', () => {
  it('carries no reporter identity, no BSN and no zorg details on any table topic or the liaison feed, sealed or not', async () => {
    expect(appended.length).toBeGreaterThan(0);
    const liaisonFeed = watcher.messages.filter((m) => m.topic === REFERRAL_TOPICS.liaisonEscalations);
    expect(liaisonFeed.length).toBeGreaterThan(0);
    const searched = await leaksIn(keyringOf(h), watcher.messages, keptInside(appended));
    expect(searched.leaks).toEqual([]);
    expect(searched.opened).toBeGreaterThan(0);
  });
});
