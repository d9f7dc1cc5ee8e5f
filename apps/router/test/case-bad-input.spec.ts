import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { expectRefused, openedCase, PRODUCT_APPS, sendSignal, takeTransition, twoMunicipalities, walk } from './support/router-fixtures.js';

/**
 * Bad input to the case and model API gets a clear error and appends nothing: for each, the HTTP status, the
 * stable problem `code`, the problem+json content type and an unchanged event count.
 *
 * Statuses: unknown model or version 404 MODEL.NOT_FOUND; unknown transition 422 CASE.TRANSITION_UNKNOWN;
 * a transition the state does not allow 422 CASE.TRANSITION_NOT_ALLOWED (with the allowed list); missing
 * reason 400 CASE.REASON_REQUIRED; a role the model does not allow 403 CASE.ROLE_NOT_ALLOWED; a case of
 * another municipality 404 CASE.NOT_FOUND; a malformed model 422 MODEL.INVALID.
 */

let h: AppHarness;
const [home, elsewhere] = twoMunicipalities();
let coordinator: string;
let elsewhereCoordinator: string;
let bothCoordinator: string;
let admin: string;
let police: string;
let homeSignal: string;
let elsewhereSignal: string;
let caseId: string;
let etag: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  coordinator = await h.token('coordinator', [home]);
  elsewhereCoordinator = await h.token('coordinator', [elsewhere]);
  bothCoordinator = await h.token('coordinator', [home, elsewhere]);
  admin = await h.token('admin');
  police = await h.token('police-liaison', [home]);
  homeSignal = await sendSignal(h, coordinator, 'mma', home);
  elsewhereSignal = await sendSignal(h, elsewhereCoordinator, 'mma', elsewhere);
  const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [homeSignal] });
  caseId = opened.body.caseId;
  etag = opened.headers.get('etag')!;
  await openedCase(h, elsewhereCoordinator, { model: 'ave', signalIds: [elsewhereSignal] }); // the router knows both signals now
});

afterAll(async () => {
  await h?.stop();
});

const transition = (body: Record<string, unknown>, token = coordinator, id = caseId, ifMatch: string | null = etag) => () => takeTransition(h, token, id, body, ifMatch);

describe('opening a case', () => {
  it('refuses an unknown model or model version with 404 MODEL.NOT_FOUND', async () => {
    await expectRefused(h, () => h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'bestaat-niet', signalIds: [homeSignal] } }), 404, 'MODEL.NOT_FOUND');
    await expectRefused(h, () => h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', modelVersion: 99, signalIds: [homeSignal] } }), 404, 'MODEL.NOT_FOUND');
  });

  it('refuses an unknown signal, and a signal of another municipality alike, with 422 CASE.SIGNAL_UNKNOWN', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const res = await expectRefused(h, () => h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [homeSignal, unknown] } }), 422, 'CASE.SIGNAL_UNKNOWN');
    expect(res.body.signalIds).toEqual([unknown]);
    const other = await expectRefused(h, () => h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [elsewhereSignal] } }), 422, 'CASE.SIGNAL_UNKNOWN');
    expect(other.body.signalIds).toEqual([elsewhereSignal]);
  });

  it('refuses a subject that is not registered in the municipality with 422 CASE.SUBJECT_UNKNOWN', async () => {
    await expectRefused(h, () => h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [homeSignal], subjectId: '00000000-0000-4000-8000-000000000001' } }), 422, 'CASE.SUBJECT_UNKNOWN');
  });

  it('refuses signals of two municipalities in one case with 422 CASE.SIGNALS_MUNICIPALITY_MIXED', async () => {
    await expectRefused(h, () => h.request('POST', '/v1/cases', { token: bothCoordinator, body: { model: 'ave', signalIds: [homeSignal, elsewhereSignal] } }), 422, 'CASE.SIGNALS_MUNICIPALITY_MIXED');
  });

  it('refuses unknown fields, missing signals and a non-coordinator', async () => {
    await expectRefused(h, () => h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [homeSignal], priority: 'hoog' } }), 400, 'VALIDATION.FAILED');
    await expectRefused(h, () => h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [] } }), 400, 'VALIDATION.FAILED');
    await expectRefused(h, () => h.request('POST', '/v1/cases', { token: police, body: { model: 'ave', signalIds: [homeSignal] } }), 403, 'AUTH.ROLE_NOT_ALLOWED');
  });
});

describe('transitions', () => {
  it('refuses an unknown transition with 422 CASE.TRANSITION_UNKNOWN', async () => {
    await expectRefused(h, transition({ transition: 'naar-de-maan', reason: 'x' }), 422, 'CASE.TRANSITION_UNKNOWN');
  });

  it('refuses a transition the current state does not allow with 422 CASE.TRANSITION_NOT_ALLOWED and the allowed list', async () => {
    const res = await expectRefused(h, transition({ transition: 'opschalen-ave-4', reasonCategory: 'veiligheid', reason: 'x' }), 422, 'CASE.TRANSITION_NOT_ALLOWED');
    expect(res.body).toMatchObject({ transition: 'opschalen-ave-4', state: 'ave-1', allowed: ['opschalen-ave-2', 'afsluiten'] });
  });

  it('refuses a missing reason with 400 CASE.REASON_REQUIRED and a missing reason category with 400 CASE.REASON_CATEGORY_INVALID', async () => {
    await expectRefused(h, transition({ transition: 'afsluiten' }), 400, 'CASE.REASON_REQUIRED');
    await expectRefused(h, transition({ transition: 'afsluiten', reason: '   ' }), 400, 'CASE.REASON_REQUIRED');
    await expectRefused(h, transition({ transition: 'opschalen-ave-2', reason: 'Het stagneert' }), 400, 'CASE.REASON_CATEGORY_INVALID');
    await expectRefused(h, transition({ transition: 'opschalen-ave-2', reason: 'Het stagneert', reasonCategory: 'verveling' }), 400, 'CASE.REASON_CATEGORY_INVALID');
  });

  it('refuses fields the transition does not declare and unknown body fields', async () => {
    await expectRefused(h, transition({ transition: 'afsluiten', reason: 'klaar', fields: { bsn: '111222333' } }), 400, 'CASE.FIELD_UNKNOWN');
    await expectRefused(h, transition({ transition: 'afsluiten', reason: 'klaar', urgent: true }), 400, 'VALIDATION.FAILED');
  });

  it('refuses a transition by a role the model does not allow with 403 CASE.ROLE_NOT_ALLOWED, and does not offer it', async () => {
    const model = {
      id: 'rollen-test',
      version: 1,
      title: 'Rollen',
      description: 'Een model waarin alleen de politie mag besluiten',
      initialState: 'open',
      states: [{ id: 'open', title: 'Open' }, { id: 'klaar', title: 'Klaar', terminal: true }],
      transitions: [
        { name: 'politie-besluit', from: ['open'], to: 'klaar', rolesAllowed: ['police-liaison'] },
        { name: 'afsluiten', from: ['open'], to: 'klaar', rolesAllowed: ['coordinator'], requires: { reason: true } },
      ],
      deadlines: [],
    };
    expect((await h.request('POST', '/v1/models', { token: admin, body: model })).status).toBe(201);
    const opened = await openedCase(h, coordinator, { model: 'rollen-test', signalIds: [homeSignal] });
    expect(opened.body.allowedTransitions.map((t: { name: string }) => t.name)).toEqual(['afsluiten']);
    const res = await expectRefused(h, transition({ transition: 'politie-besluit' }, coordinator, opened.body.caseId, opened.headers.get('etag')), 403, 'CASE.ROLE_NOT_ALLOWED');
    expect(res.body).toMatchObject({ role: 'coordinator', rolesAllowed: ['police-liaison'] });
  });

  it('refuses a change to a closed case with 422 CASE.CLOSED', async () => {
    const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [homeSignal] });
    const closed = await walk(h, coordinator, opened.body.caseId, opened.headers.get('etag')!, [{ transition: 'afsluiten', reason: 'Geen zorgen' }]);
    await expectRefused(h, transition({ transition: 'opschalen-ave-2', reasonCategory: 'stagnatie', reason: 'x' }, coordinator, opened.body.caseId, closed.headers.get('etag')), 422, 'CASE.CLOSED');
    await expectRefused(h, () => h.request('POST', `/v1/cases/${opened.body.caseId}/notes`, { token: coordinator, body: { text: 'Te laat', visibility: 'intern' } }), 422, 'CASE.CLOSED');
  });
});

describe('If-Match', () => {
  it('refuses a stale version with 409 and the current version, and a malformed one with 400', async () => {
    const res = await expectRefused(h, transition({ transition: 'afsluiten', reason: 'klaar' }, coordinator, caseId, '"999"'), 409, 'EVENTSTORE.VERSION_CONFLICT');
    expect(res.body).toMatchObject({ currentVersion: Number(etag.replace(/"/g, '')), expectedVersion: 999 });
    await expectRefused(h, transition({ transition: 'afsluiten', reason: 'klaar' }, coordinator, caseId, 'W/"1"'), 400, 'VALIDATION.IF_MATCH_INVALID');
  });
});

describe('a case of another municipality', () => {
  it('answers 404 CASE.NOT_FOUND to reads and writes, exactly like an id that does not exist', async () => {
    for (const path of [`/v1/cases/${caseId}`, `/v1/cases/${caseId}/history`, '/v1/cases/00000000-0000-4000-8000-000000000000', '/v1/cases/niet-een-uuid']) {
      await expectRefused(h, () => h.request('GET', path, { token: elsewhereCoordinator }), 404, 'CASE.NOT_FOUND');
    }
    await expectRefused(h, transition({ transition: 'afsluiten', reason: 'klaar' }, elsewhereCoordinator), 404, 'CASE.NOT_FOUND');
    await expectRefused(h, transition({ transition: 'afsluiten', reason: 'klaar' }, elsewhereCoordinator, caseId, null), 404, 'CASE.NOT_FOUND');
    await expectRefused(h, () => h.request('POST', `/v1/cases/${caseId}/notes`, { token: elsewhereCoordinator, body: { text: 'x', visibility: 'intern' } }), 404, 'CASE.NOT_FOUND');
    const list = await h.request('GET', '/v1/cases', { token: elsewhereCoordinator });
    expect(list.body.items.map((i: { caseId: string }) => i.caseId)).not.toContain(caseId);
    await expectRefused(h, () => h.request('GET', `/v1/cases?municipality=${home}`, { token: elsewhereCoordinator }), 403, 'AUTH.MUNICIPALITY_NOT_ALLOWED');
  });

  it('does not let a signal of another municipality into a case', async () => {
    await expectRefused(h, () => h.request('POST', `/v1/cases/${caseId}/signals`, { token: bothCoordinator, body: { signalId: elsewhereSignal } }), 422, 'CASE.SIGNALS_MUNICIPALITY_MIXED');
    await expectRefused(h, () => h.request('POST', `/v1/cases/${caseId}/signals`, { token: coordinator, body: { signalId: elsewhereSignal } }), 422, 'CASE.SIGNAL_UNKNOWN');
  });

  it('keeps case reads to coordinators', async () => {
    await expectRefused(h, () => h.request('GET', `/v1/cases/${caseId}`, { token: police }), 403, 'AUTH.ROLE_NOT_ALLOWED');
  });
});

describe('other case commands', () => {
  it('refuses a referral the state does not allow, a handover without reason, and a bad migration', async () => {
    await expectRefused(h, () => h.request('POST', `/v1/cases/${caseId}/referrals`, { token: coordinator, body: { table: 'riec', reason: 'Ondermijning' } }), 422, 'CASE.REFERRAL_NOT_ALLOWED');
    await expectRefused(h, () => h.request('POST', `/v1/cases/${caseId}/regie`, { token: coordinator, body: { responsibility: 'casusregie', holder: 'zvh' } }), 400, 'CASE.REASON_REQUIRED');
    await expectRefused(h, () => h.request('POST', `/v1/cases/${caseId}/regie`, { token: coordinator, body: { responsibility: 'regie-van-alles', holder: 'zvh', reason: 'x' } }), 400, 'VALIDATION.FAILED');
    await expectRefused(h, () => h.request('POST', `/v1/cases/${caseId}/model-version`, { token: coordinator, body: { toVersion: 42, stateMapping: {}, reason: 'x' } }), 404, 'MODEL.NOT_FOUND');
    await expectRefused(h, () => h.request('POST', `/v1/cases/${caseId}/plan`, { token: coordinator, body: { measures: [{ type: 'magisch', description: 'x', owner: 'y', dueDate: '2026-12-31' }] } }), 400, 'VALIDATION.FAILED');
  });
});

describe('publishing a model', () => {
  const valid = () => ({
    id: 'publicatie-test',
    version: 1,
    title: 'Publicatie',
    description: 'Test',
    initialState: 'a',
    states: [{ id: 'a', title: 'A' }, { id: 'z', title: 'Z', terminal: true }],
    transitions: [{ name: 'klaar', from: ['a'], to: 'z', rolesAllowed: ['coordinator'] }],
    deadlines: [],
  });

  it('refuses a malformed definition with 422 MODEL.INVALID naming every problem', async () => {
    const broken = { ...valid(), states: [...valid().states, { id: 'wees', title: 'Onbereikbaar' }], transitions: [...valid().transitions, { name: 'klaar', from: ['a'], to: 'nergens', rolesAllowed: ['coordinator'] }], deadlines: [{ id: 'd', state: 'spook', startsOn: 'case-opened', duration: { amount: 1, unit: 'hours' } }] };
    const res = await expectRefused(h, () => h.request('POST', '/v1/models', { token: admin, body: broken }), 422, 'MODEL.INVALID');
    expect(res.body.problems.map((p: { code: string }) => p.code)).toEqual(expect.arrayContaining(['TRANSITION_DUPLICATE', 'TRANSITION_TO_UNKNOWN', 'DEADLINE_STATE_UNKNOWN', 'STATE_UNREACHABLE']));
    await expectRefused(h, () => h.request('POST', '/v1/models', { token: admin, rawBody: '[]' }), 422, 'MODEL.INVALID');
  });

  it('refuses a term of more than ten years with 422 MODEL.INVALID (DEADLINE_DURATION_INVALID): it would make every case opened under the version fail', async () => {
    const absurd = { ...valid(), deadlines: [{ id: 'd', state: 'a', startsOn: 'case-opened', duration: { amount: 10_000_000_000_000, unit: 'calendar-days' } }] };
    const res = await expectRefused(h, () => h.request('POST', '/v1/models', { token: admin, body: absurd }), 422, 'MODEL.INVALID');
    expect(res.body.problems.map((p: { code: string }) => p.code)).toEqual(['DEADLINE_DURATION_INVALID']);
  });

  it('refuses a version other than latest + 1 with 409 MODEL.VERSION_CONFLICT, and a publisher who is not admin with 403', async () => {
    const res = await expectRefused(h, () => h.request('POST', '/v1/models', { token: admin, body: { ...valid(), version: 2 } }), 409, 'MODEL.VERSION_CONFLICT');
    expect(res.body).toMatchObject({ latestVersion: 0, expectedVersion: 1 });
    await expectRefused(h, () => h.request('POST', '/v1/models', { token: admin, body: { ...valid(), id: 'ave', version: 1 } }), 409, 'MODEL.VERSION_CONFLICT');
    await expectRefused(h, () => h.request('POST', '/v1/models', { token: coordinator, body: valid() }), 403, 'AUTH.ROLE_NOT_ALLOWED');
    expect((await h.request('POST', '/v1/models', { token: admin, body: valid() })).status).toBe(201);
    await expectRefused(h, () => h.request('POST', '/v1/models', { token: admin, body: valid() }), 409, 'MODEL.VERSION_CONFLICT');
  });

  it('answers 404 MODEL.NOT_FOUND for a version that does not exist', async () => {
    await expectRefused(h, () => h.request('GET', '/v1/models/ave/versions/77', { token: coordinator }), 404, 'MODEL.NOT_FOUND');
    await expectRefused(h, () => h.request('GET', '/v1/models/ave/versions/een', { token: coordinator }), 404, 'MODEL.NOT_FOUND');
  });
});

