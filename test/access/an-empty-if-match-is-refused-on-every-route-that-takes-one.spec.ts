import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { caseReferredToRiec, openedCase, sendSignal } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';

/**
 * An `If-Match` header that is present but empty was taken for an absent one, so a client that sent the ETag it
 * never got (an empty variable) had its write decided on whatever version was current. On every route that takes
 * `If-Match` (read from the API document, so a new one is not missed) it is 400 `VALIDATION.IF_MATCH_INVALID`, a
 * blank one too, and nothing is appended. Each request is otherwise one the route would take. All apps, real
 * PostgreSQL and Kafka.
 */

let h: AppHarness;
const home = 'GM0153';
let coordinator: string;
let riecMember: string;
let liaison: string;
let caseId: string;
let signalId: string;
let referralId: string;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  const intake = await h.token('intake-system', [home], { subject: 'connector-if-match' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-if-match' });
  riecMember = await h.token('table-member', [home], { subject: 'riec-member-if-match', tables: ['riec'] });
  liaison = await h.token('police-liaison', [home], { subject: 'liaison-if-match' });
  signalId = await sendSignal(h, intake, 'mma', home);
  caseId = (await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] })).body.caseId;
  ({ referralId } = await caseReferredToRiec(h, coordinator, await sendSignal(h, intake, 'mma', home)));
  await waitFor(async () => (await h.request('GET', `/v1/tables/riec/referrals/${referralId}`, { token: riecMember })).status === 200 || undefined, { what: 'the referral in the RIEC register' });
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

/** A request each route would take but for its If-Match: `METHOD /path/{param}` as in the API document. */
const requests = (): Record<string, { path: string; token: string; body: unknown }> => ({
  'POST /v1/cases/{id}/transitions': { path: `/v1/cases/${caseId}/transitions`, token: coordinator, body: { transition: 'start-weging' } },
  'POST /v1/cases/{id}/regie': { path: `/v1/cases/${caseId}/regie`, token: coordinator, body: { responsibility: 'casusregie', holder: 'wijkteam-oost', reason: 'Overdracht aan het wijkteam' } },
  'POST /v1/cases/{id}/notes': { path: `/v1/cases/${caseId}/notes`, token: coordinator, body: { text: 'Gesprek gevoerd', visibility: 'intern' } },
  'POST /v1/cases/{id}/plan': { path: `/v1/cases/${caseId}/plan`, token: coordinator, body: { measures: [{ type: 'zorg', description: 'Huisbezoek', owner: 'wijkteam', dueDate: '2030-01-31' }] } },
  'POST /v1/cases/{id}/signals': { path: `/v1/cases/${caseId}/signals`, token: coordinator, body: { signalId } },
  'POST /v1/cases/{id}/model-version': { path: `/v1/cases/${caseId}/model-version`, token: coordinator, body: { toVersion: 1, stateMapping: {}, reason: 'Naar de geldende versie' } },
  'POST /v1/cases/{id}/referrals': { path: `/v1/cases/${caseId}/referrals`, token: coordinator, body: { table: 'riec', reason: 'Ondermijning: RIEC neemt regie' } },
  'POST /v1/tables/{table}/referrals/{id}/case/transitions': { path: `/v1/tables/riec/referrals/${referralId}/case/transitions`, token: riecMember, body: { transition: 'retour-van-riec', reason: 'Binnen de eigen mogelijkheden' } },
  'POST /v1/liaison/escalations/{id}/reports': { path: `/v1/liaison/escalations/${randomUUID()}/reports`, token: liaison, body: { outcome: 'in-behandeling', text: 'Wijkagent is langs geweest' } },
});

describe('an empty If-Match', () => {
  it('is covered here for every operation the API document gives an If-Match header', async () => {
    const doc = await h.request('GET', '/openapi.json');
    expect(doc.status).toBe(200);
    const takingIfMatch = Object.entries(doc.body.paths as Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, operation]) => (operation.parameters ?? []).some((p) => p.in === 'header' && p.name.toLowerCase() === 'if-match'))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(takingIfMatch.sort()).toEqual(Object.keys(requests()).sort());
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
  ])('is refused when %s: 400 VALIDATION.IF_MATCH_INVALID on every route that takes one, and nothing is appended', async (_what, ifMatch) => {
    const before = await h.countEvents();
    const seen = [];
    for (const [operation, { path, token, body }] of Object.entries(requests())) {
      const res = await h.request(operation.split(' ')[0]!, path, { token, body, headers: { 'if-match': ifMatch } });
      seen.push({ operation, status: res.status, code: res.body?.code, problem: res.contentType?.startsWith('application/problem+json'), title: res.body?.title });
    }
    expect(seen).toEqual(
      Object.keys(requests()).map((operation) => ({ operation, status: 400, code: 'VALIDATION.IF_MATCH_INVALID', problem: true, title: expect.stringMatching(/^If-Match is empty/) })),
    );
    expect(await h.countEvents()).toBe(before);
  });
});
