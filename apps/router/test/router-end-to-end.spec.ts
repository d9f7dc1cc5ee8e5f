import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS } from '#contracts';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { tablesConfigServing } from '../../../test/support/tables-config-serving.js';
import type { TopicWatcher } from '../../../test/support/kafka-probe.js';
import {
  caseEventTypes,
  openedCase,
  PRODUCT_APPS,
  sendSignal,
  takeTransition,
  twoMunicipalities,
  walk,
} from './support/router-fixtures.js';

/**
 * End to end on real PostgreSQL and Kafka: a signal enters intake over HTTP, reaches the router over
 * `signaalroute.signals.v1`, a coordinator opens a case and moves it over HTTP, and the case's events come
 * out on `signaalroute.cases.v1`, keyed by the case stream, in order.
 */

let h: AppHarness;
let watcher: TopicWatcher;
const [home] = twoMunicipalities();
let coordinator: string;
let colleague: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS, env: { TABLES_CONFIG_FILE: await tablesConfigServing([home]) } });
  watcher = await h.watch([TOPICS.cases]);
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-anna' });
  colleague = await h.token('coordinator', [home], { subject: 'coordinator-bram' });
});

afterAll(async () => {
  await h?.stop();
});

const opschalen = (transition: string, reasonCategory = 'complexiteit') => ({ transition, reasonCategory, reason: `Opschalen: ${reasonCategory}` });

describe('zorgmelding → AVE case → AVE 4 → MayorInformed on Kafka', () => {
  it('opens an AVE case from a zorgmelding, escalates it AVE 1 → 4 over HTTP and publishes MayorInformed on signaalroute.cases.v1', async () => {
    const signalId = await sendSignal(h, coordinator, 'zorgmelding', home);
    const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] });
    const caseId: string = opened.body.caseId;
    expect(opened.headers.get('location')).toBe(`/v1/cases/${caseId}`);
    expect(opened.headers.get('etag')).toBe(`"${opened.body.version}"`);
    expect(opened.body).toMatchObject({
      municipality: home,
      status: 'open',
      currentState: 'ave-1',
      model: { id: 'ave', version: 1 },
      signalIds: [signalId],
      reporterRelation: 'familie',
      responsibilities: { casusregie: 'zelfregie', bestuurlijkeVerantwoordelijkheid: 'wethouder' },
    });
    expect(opened.body.allowedTransitions.map((t: { name: string }) => t.name)).toEqual(['opschalen-ave-2', 'afsluiten']);
    expect(opened.body.allowedTransitions[0]).toEqual({
      name: 'opschalen-ave-2',
      to: 'ave-2',
      requires: { reason: true, reasonCategories: ['stagnatie', 'complexiteit', 'veiligheid'], fields: [] },
      optionalFields: [],
    });

    const last = await walk(h, coordinator, caseId, opened.headers.get('etag')!, [
      opschalen('opschalen-ave-2', 'stagnatie'),
      opschalen('opschalen-ave-3', 'complexiteit'),
      opschalen('opschalen-ave-4', 'veiligheid'),
    ]);
    expect(last.body).toMatchObject({
      currentState: 'ave-4',
      responsibilities: { casusregie: 'procesregisseur', operationeleVerantwoordelijkheid: 'politie', bestuurlijkeVerantwoordelijkheid: 'burgemeester' },
    });
    expect(last.body.allowedTransitions.map((t: { name: string }) => t.name)).toEqual(['afschalen-ave-3', 'afsluiten']);

    const types = await caseEventTypes(h, caseId);
    expect(types).toEqual(['CaseOpened', 'CaseTransitioned', 'CaseTransitioned', 'CaseTransitioned', 'MayorInformed']);
    const [mayorRow] = await h.query<Record<string, unknown>>("SELECT * FROM events WHERE stream_id = $1 AND type = 'MayorInformed'", [`case-${caseId}`]);
    expect(mayorRow).toMatchObject({ municipality: home, actor_id: 'coordinator-anna', actor_role: 'coordinator', processing_activity: 'casusregie', special_category: true, schema_version: 1 });
    expect(String(mayorRow!.legal_basis)).toMatch(/AVG art\. 6\(1\)\(e\)/);

    // On Kafka: every event of the case, keyed by its stream, in stream order, ending with MayorInformed.
    const key = `case-${caseId}`;
    const messages = await watcher.waitFor((m) => m.key === key, { count: types.length, what: `${types.length} events of ${key}` });
    const envelopes = messages.map((m) => JSON.parse(m.value.toString('utf8')) as { type: string; streamVersion: number; payload: Record<string, unknown> });
    expect(envelopes.map((e) => e.type)).toEqual(types);
    expect(envelopes.map((e) => e.streamVersion)).toEqual(types.map((_, i) => i + 1));
    expect(new Set(messages.map((m) => m.partition)).size).toBe(1);
    expect(envelopes.at(-1)).toMatchObject({ type: 'MayorInformed', specialCategory: true, municipality: home, payload: { caseId, state: 'ave-4', audience: 'burgemeester', modelId: 'ave', modelVersion: 1 } });

    const view = await h.request('GET', `/v1/cases/${caseId}`, { token: colleague });
    expect(view.status).toBe(200);
    expect(view.headers.get('etag')).toBe(last.headers.get('etag'));
    expect(view.body).toEqual(last.body);

    const history = await h.request('GET', `/v1/cases/${caseId}/history`, { token: coordinator });
    expect(history.status).toBe(200);
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual(types);
    expect(history.body.items[1]).toMatchObject({
      version: 2,
      type: 'CaseTransitioned',
      actor: { id: 'coordinator-anna', role: 'coordinator' },
      at: expect.any(String),
      payload: { transition: 'opschalen-ave-2', from: 'ave-1', to: 'ave-2', reasonCategory: 'stagnatie', reason: 'Opschalen: stagnatie' },
    });
  });
});

describe('optimistic concurrency', () => {
  it('lets one of two coordinators who move the same case at once with the same If-Match win; the other gets 409 with the current version', async () => {
    const signalId = await sendSignal(h, coordinator, 'mma', home);
    const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] });
    const caseId: string = opened.body.caseId;
    const etag = opened.headers.get('etag')!;
    const [a, b] = await Promise.all([
      takeTransition(h, coordinator, caseId, opschalen('opschalen-ave-2', 'stagnatie'), etag),
      takeTransition(h, colleague, caseId, { transition: 'afsluiten', reason: 'Situatie onder controle' }, etag),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const [winner, loser] = a.status === 200 ? [a, b] : [b, a];
    expect(loser.contentType).toMatch(/^application\/problem\+json/);
    expect(loser.body).toMatchObject({ status: 409, code: 'EVENTSTORE.VERSION_CONFLICT', currentVersion: winner.body.version, expectedVersion: opened.body.version });
    const types = await caseEventTypes(h, caseId);
    expect(types.filter((t) => t === 'CaseTransitioned')).toHaveLength(1);
    expect(types.length).toBe(winner.body.version);

    // A stale If-Match later is refused the same way; the current one goes through.
    const stale = await takeTransition(h, colleague, caseId, { transition: 'afsluiten', reason: 'Situatie onder controle' }, etag);
    expect(stale.body).toMatchObject({ status: 409, code: 'EVENTSTORE.VERSION_CONFLICT', currentVersion: winner.body.version });
    if (winner.body.status === 'open') {
      const fresh = await takeTransition(h, colleague, caseId, { transition: 'afsluiten', reason: 'Situatie onder controle' }, winner.headers.get('etag'));
      expect(fresh.status).toBe(200);
      expect(fresh.body.status).toBe('closed');
    }
  });
});

describe('working a case', () => {
  it('hands over regie, adds notes, a plan, a referral and a signal, each answering the case with its new ETag; a repeat changes nothing', async () => {
    const first = await sendSignal(h, coordinator, 'intern-meldpunt', home);
    const second = await sendSignal(h, coordinator, 'mma', home);
    const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [first] });
    const caseId: string = opened.body.caseId;
    let etag = (await walk(h, coordinator, caseId, opened.headers.get('etag')!, [opschalen('opschalen-ave-2'), opschalen('opschalen-ave-3')])).headers.get('etag')!;
    const post = async (path: string, body: unknown) => {
      const res = await h.request('POST', `/v1/cases/${caseId}/${path}`, { token: coordinator, body, headers: { 'if-match': etag } });
      expect({ path, status: res.status, code: res.body?.code }).toEqual({ path, status: 200, code: undefined });
      expect(res.headers.get('etag')).toBe(`"${res.body.version}"`);
      etag = res.headers.get('etag')!;
      return res;
    };

    const regie = await post('regie', { responsibility: 'casusregie', holder: 'zvh-procesregisseur', reason: 'ZVH neemt casusregie over' });
    expect(regie.body.responsibilities.casusregie).toBe('zvh-procesregisseur');
    await post('notes', { text: 'Intern: buren melden geluidsoverlast', visibility: 'intern' });
    const notes = await post('notes', { text: 'Deelbaar: afspraak met woningcorporatie', visibility: 'deelbaar' });
    expect(notes.body.notes.map((n: { visibility: string }) => n.visibility)).toEqual(['intern', 'deelbaar']);
    const measures = [
      { type: 'zorg', description: 'Schuldhulpverlening starten', owner: 'wijkteam', dueDate: '2026-12-31' },
      { type: 'bestuursrechtelijk', description: 'Gesprek woningcorporatie', owner: 'gemeente', dueDate: '2026-12-15' },
    ];
    const plan = await post('plan', { measures });
    expect(plan.body.plan).toMatchObject({ measures, setBy: { id: 'coordinator-anna', role: 'coordinator' } });
    const referral = await post('referrals', { table: 'zvh-casusoverleg', reason: 'Complexe casus, meerdere leefgebieden' });
    expect(referral.body.referrals).toEqual([expect.objectContaining({ table: 'zvh-casusoverleg', state: 'ave-3', reason: 'Complexe casus, meerdere leefgebieden' })]);
    const added = await post('signals', { signalId: second });
    expect(added.body.signalIds).toEqual([first, second]);

    // Repeats change nothing: same plan, same signal, same holder → 200 with the same version, no events.
    const before = (await caseEventTypes(h, caseId)).length;
    const again = await post('plan', { measures });
    expect(again.body.version).toBe(added.body.version);
    await post('signals', { signalId: second });
    await post('regie', { responsibility: 'casusregie', holder: 'zvh-procesregisseur', reason: 'nogmaals' });
    expect((await caseEventTypes(h, caseId)).length).toBe(before);
    expect(await caseEventTypes(h, caseId)).toEqual([
      'CaseOpened', 'CaseTransitioned', 'CaseTransitioned', 'RegieHandedOver', 'CaseNoteAdded', 'CaseNoteAdded', 'CasePlanSet', 'CaseReferred', 'SignalAddedToCase',
    ]);
  });

  it('takes the subject its signal was linked to in triage, or the registered subject asked for', async () => {
    const signalId = await sendSignal(h, coordinator, 'zorgmelding', home);
    const subject = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: home, name: 'J. de Vries', birthDate: '1980-05-17' } });
    expect(subject.status).toBe(201);
    const subjectId: string = subject.body.subjectId;
    await waitFor(async () => (await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId } })).status === 200, { what: 'the signal linked' });
    await waitFor(async () => (await h.query<{ subject_id: string | null }>('SELECT subject_id FROM router_signals WHERE signal_id = $1', [signalId]))[0]?.subject_id === subjectId, { what: 'the link in the router' });
    const inferred = await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] });
    expect(inferred.body.subjectId).toBe(subjectId);
    const explicit = await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId], subjectId });
    expect(explicit.body.subjectId).toBe(subjectId);
  });

  it('lists cases of the municipality newest first, with filters and a cursor', async () => {
    const signalId = await sendSignal(h, coordinator, 'mma', home);
    const a = await openedCase(h, coordinator, { model: '7-stappenmodel', signalIds: [signalId] });
    const b = await openedCase(h, coordinator, { model: '7-stappenmodel', signalIds: [signalId] });
    const page1 = await h.request('GET', `/v1/cases?model=7-stappenmodel&status=open&municipality=${home}&limit=1`, { token: coordinator });
    expect(page1.status).toBe(200);
    expect(page1.body.items).toEqual([expect.objectContaining({ caseId: b.body.caseId, model: { id: '7-stappenmodel', version: 1 }, currentState: 'stap-1', status: 'open', version: b.body.version })]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await h.request('GET', `/v1/cases?model=7-stappenmodel&status=open&limit=1&cursor=${page1.body.nextCursor}`, { token: coordinator });
    expect(page2.body.items.map((i: { caseId: string }) => i.caseId)).toEqual([a.body.caseId]);
    expect(page2.body.nextCursor).toBeNull();
    const byState = await h.request('GET', '/v1/cases?state=ave-4', { token: coordinator });
    expect(byState.body.items.length).toBeGreaterThanOrEqual(1);
    expect(byState.body.items.every((i: { currentState: string; municipality: string }) => i.currentState === 'ave-4' && i.municipality === home)).toBe(true);
    const none = await h.request('GET', `/v1/cases?openedFrom=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, { token: coordinator });
    expect(none.body).toEqual({ items: [], nextCursor: null });
  });
});
