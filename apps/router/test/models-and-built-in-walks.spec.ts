import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { caseEventTypes, openedCase, PRODUCT_APPS, sendSignal, twoMunicipalities, walk } from './support/router-fixtures.js';

/**
 * Over HTTP on real PostgreSQL and Kafka: a coordinator takes a signal from intake to a closed case through
 * every built-in model; an administrator publishes a new model version, running cases stay on theirs, new
 * cases get the new one, and moving a case is an explicit, recorded command.
 */

let h: AppHarness;
const [home] = twoMunicipalities();
let coordinator: string;
let admin: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-anna' });
  admin = await h.token('admin', [home], { subject: 'beheerder-kees' });
});

afterAll(async () => {
  await h?.stop();
});

const WALKS: { model: string; source: 'mma' | 'intern-meldpunt' | 'zorgmelding'; steps: Record<string, unknown>[]; end: string; retentionClass?: string }[] = [
  {
    model: 'ondermijning-intake',
    source: 'intern-meldpunt',
    steps: [
      { transition: 'start-weging' },
      { transition: 'ondermijnend' },
      { transition: 'gemeentelijke-taak' },
      { transition: 'besluit-vervolganalyse', reason: 'Trend onduidelijk, nadere analyse' },
      { transition: 'terug-naar-weging-3', reason: 'Analyse afgerond' },
      { transition: 'besluit-geen-actie', reason: 'Niet concreet en niet recent' },
    ],
    end: 'geen-actie',
    retentionClass: 'een-jaar-versleuteld-dan-vernietigen',
  },
  {
    model: 'wvggz-verkennend-onderzoek',
    source: 'zorgmelding',
    steps: [{ transition: 'start-verkennend-onderzoek' }, { transition: 'besluit-aanvraag-ovj', reason: 'Zorgmachtiging nodig' }],
    end: 'aanvraag-ovj',
  },
  {
    model: 'ave',
    source: 'zorgmelding',
    steps: [
      { transition: 'opschalen-ave-2', reasonCategory: 'stagnatie', reason: 'Samenwerking stagneert' },
      { transition: 'afschalen-ave-1', reason: 'Weer onder controle' },
      { transition: 'afsluiten', reason: 'Geen zorgen meer' },
    ],
    end: 'afgesloten',
  },
  {
    model: '7-stappenmodel',
    source: 'mma',
    steps: [
      { transition: 'naar-stap-2a' },
      { transition: 'naar-stap-2b', reason: 'Groep is problematisch' },
      { transition: 'naar-stap-3' },
      { transition: 'naar-stap-4' },
      { transition: 'prioriteren', reason: 'Hoge overlast' },
      { transition: 'naar-stap-6' },
      { transition: 'herzien-plan', reason: 'Plan werkt niet' },
      { transition: 'naar-stap-6' },
      { transition: 'naar-stap-7' },
      { transition: 'afsluiten', reason: 'Groep is uit elkaar' },
    ],
    end: 'afgesloten',
  },
];

describe('from a signal to a closed case, through every built-in model', () => {
  it.each(WALKS)('takes a $source signal through $model to "$end"', async ({ model, source, steps, end, retentionClass }) => {
    const signalId = await sendSignal(h, coordinator, source, home);
    const opened = await openedCase(h, coordinator, { model, signalIds: [signalId] });
    const caseId: string = opened.body.caseId;
    const closed = await walk(h, coordinator, caseId, opened.headers.get('etag')!, steps);
    expect(closed.body).toMatchObject({ status: 'closed', currentState: end, allowedTransitions: [], deadlines: [], retentionClass: retentionClass ?? null, closedAt: expect.any(String) });
    const types = await caseEventTypes(h, caseId);
    expect(types[0]).toBe('CaseOpened');
    expect(types.at(-1)).toBe('CaseClosed');
    expect(types.filter((t) => t === 'CaseTransitioned')).toHaveLength(steps.length);
    const listed = await h.request('GET', `/v1/cases?model=${model}&status=closed`, { token: coordinator });
    expect(listed.body.items.map((i: { caseId: string }) => i.caseId)).toContain(caseId);
  });
});

describe('model versions', () => {
  it('publishes ave v2; a case opened on v1 stays on v1, a new case gets v2, and a migration moves a case explicitly', async () => {
    const signalId = await sendSignal(h, coordinator, 'mma', home);
    const onV1 = await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] });
    expect(onV1.body.model).toEqual({ id: 'ave', version: 1, title: expect.any(String) });

    const v1 = await h.request('GET', '/v1/models/ave/versions/1', { token: admin });
    expect(v1.status).toBe(200);
    expect(v1.body).toMatchObject({ builtIn: true, publishedAt: null, definition: { id: 'ave', version: 1 } });
    const v2 = structuredClone(v1.body.definition);
    v2.version = 2;
    v2.states.find((s: { id: string }) => s.id === 'ave-2').responsibilities.casusregie = 'sociaal-wijkteam';
    const published = await h.request('POST', '/v1/models', { token: admin, body: v2 });
    expect(published.status).toBe(201);
    expect(published.headers.get('location')).toBe('/v1/models/ave/versions/2');
    expect(published.body).toMatchObject({ builtIn: false, publishedBy: 'beheerder-kees', definition: { id: 'ave', version: 2 } });
    const [event] = await h.query<Record<string, any>>("SELECT * FROM events WHERE stream_id = 'model-ave'");
    expect(event).toMatchObject({ type: 'ModelVersionPublished', stream_version: 1, actor_id: 'beheerder-kees', actor_role: 'admin' });
    expect(event!.payload).toMatchObject({ modelId: 'ave', version: 2 });

    const list = await h.request('GET', '/v1/models', { token: coordinator });
    expect(list.status).toBe(200);
    expect(list.body.items.map((m: { id: string }) => m.id)).toEqual(['7-stappenmodel', 'ave', 'ondermijning-intake', 'wvggz-verkennend-onderzoek']);
    const ave = list.body.items.find((m: { id: string }) => m.id === 'ave');
    expect(ave).toMatchObject({ latestVersion: 2, latest: { version: 2 } });
    expect(ave.versions).toEqual([
      { version: 1, builtIn: true, publishedAt: null, publishedBy: null, municipalities: null },
      { version: 2, builtIn: false, publishedAt: expect.any(String), publishedBy: 'beheerder-kees', municipalities: null },
    ]);

    // The running case keeps v1's holders; a new case is pinned to v2 and gets v2's.
    const escalate = { transition: 'opschalen-ave-2', reasonCategory: 'complexiteit', reason: 'Meerdere leefgebieden' };
    const v1Moved = await walk(h, coordinator, onV1.body.caseId, onV1.headers.get('etag')!, [escalate]);
    expect(v1Moved.body).toMatchObject({ model: { id: 'ave', version: 1 }, responsibilities: { casusregie: 'wijkteam' } });
    const onV2 = await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] });
    expect(onV2.body.model.version).toBe(2);
    const v2Moved = await walk(h, coordinator, onV2.body.caseId, onV2.headers.get('etag')!, [escalate]);
    expect(v2Moved.body.responsibilities.casusregie).toBe('sociaal-wijkteam');
    const pinned = await openedCase(h, coordinator, { model: 'ave', modelVersion: 1, signalIds: [signalId] });
    expect(pinned.body.model.version).toBe(1);

    // Moving the v1 case is explicit and recorded.
    const migrated = await h.request('POST', `/v1/cases/${onV1.body.caseId}/model-version`, {
      token: admin,
      body: { toVersion: 2, stateMapping: { 'ave-2': 'ave-2' }, reason: 'Nieuwe regionale afspraken' },
      headers: { 'if-match': v1Moved.headers.get('etag')! },
    });
    expect(migrated.status).toBe(200);
    expect(migrated.body).toMatchObject({ model: { id: 'ave', version: 2 }, currentState: 'ave-2', version: v1Moved.body.version + 1 });
    const history = await h.request('GET', `/v1/cases/${onV1.body.caseId}/history`, { token: coordinator });
    expect(history.body.items.at(-1)).toMatchObject({
      type: 'CaseModelMigrated',
      actor: { id: 'beheerder-kees', role: 'admin' },
      payload: { modelId: 'ave', fromVersion: 1, toVersion: 2, fromState: 'ave-2', toState: 'ave-2', reason: 'Nieuwe regionale afspraken' },
    });
    expect(await caseEventTypes(h, onV2.body.caseId)).not.toContain('CaseModelMigrated');
  });

  it('finds a version another process published (a miss reloads from the database)', async () => {
    const latest = await h.request('GET', '/v1/models/ave/versions/2', { token: admin });
    const v3 = { ...structuredClone(latest.body.definition), version: 3, title: 'AVE (regio-variant)' };
    // What a publish in another process leaves behind: the row this process has not loaded.
    await h.query("INSERT INTO model_versions (id, version, definition, published_at, published_by) VALUES ('ave', 3, $1::jsonb, now(), 'elders')", [JSON.stringify(v3)]);
    const found = await h.request('GET', '/v1/models/ave/versions/3', { token: coordinator });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ builtIn: false, publishedBy: 'elders', definition: { version: 3, title: 'AVE (regio-variant)' } });
    const signalId = await sendSignal(h, coordinator, 'mma', home);
    const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] });
    expect(opened.body.model).toEqual({ id: 'ave', version: 3, title: 'AVE (regio-variant)' });
  });
});
