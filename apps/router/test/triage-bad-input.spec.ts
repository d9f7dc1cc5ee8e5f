import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, waitFor, type AppHarness, type HarnessResponse } from '../../../test/support/app-harness.js';
import { INTAKE_APP, mmaPayload, zorgmeldingPayload } from '../../intake/test/support/intake-fixtures.js';
import { routerSignalRow, testMunicipalities, TRIAGE_TEST_APP } from './support/triage-app.js';

/**
 * Bad triage input gets a clear error and changes nothing: for each case the HTTP status, the stable problem
 * `code`, the `application/problem+json` content type, and an unchanged event count.
 */

let h: AppHarness;
const [home, elsewhere] = testMunicipalities(2) as [string, string];
let coordinator: string;
let elsewhereCoordinator: string;
let intakeSystem: string;
let signalId: string;
let elsewhereSignalId: string;
let subjectId: string;
let elsewhereSubjectId: string;

async function receive(municipality: string, body: unknown, source = 'mma'): Promise<string> {
  const res = await h.request('POST', `/v1/signals/${source}`, { token: intakeSystem, body });
  expect(res.status).toBe(201);
  await waitFor(() => routerSignalRow(h, res.body.signalId).then((r) => r?.municipality === municipality), { what: 'the signal in router_signals' });
  return res.body.signalId;
}

beforeAll(async () => {
  h = await startApp({ apps: [INTAKE_APP, TRIAGE_TEST_APP] });
  coordinator = await h.token('coordinator', [home]);
  elsewhereCoordinator = await h.token('coordinator', [elsewhere]);
  intakeSystem = await h.token('intake-system', [home, elsewhere]);
  signalId = await receive(home, mmaPayload(home));
  elsewhereSignalId = await receive(elsewhere, mmaPayload(elsewhere));
  const subject = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: home, name: 'A. Persoon', bsn: '111222333' } });
  const other = await h.request('POST', '/v1/subjects', { token: elsewhereCoordinator, body: { kind: 'person', municipality: elsewhere, name: 'B. Persoon' } });
  subjectId = subject.body.subjectId;
  elsewhereSubjectId = other.body.subjectId;
});

afterAll(async () => {
  await h?.stop();
});

/** Sends the request and checks status, problem code and content type, and that no event was appended. */
async function expectRefused(send: () => Promise<HarnessResponse>, status: number, code: string): Promise<HarnessResponse> {
  const before = await h.countEvents();
  const res = await send();
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.contentType).toMatch(/^application\/problem\+json/);
  expect(await h.countEvents()).toBe(before);
  return res;
}

const link = (id: string, body: unknown, token = coordinator) => () => h.request('POST', `/v1/signals/${id}/subject`, { token, body });
const dismiss = (id: string, body: unknown, token = coordinator) => () => h.request('POST', `/v1/signals/${id}/dismissal`, { token, body });

describe('linking a signal to a subject', () => {
  it('an unknown subject: 404 SUBJECT.NOT_FOUND', async () => {
    await expectRefused(link(signalId, { subjectId: randomUUID() }), 404, 'SUBJECT.NOT_FOUND');
  });

  it("a subject of another municipality: 404 SUBJECT.NOT_FOUND, the same answer", async () => {
    await expectRefused(link(signalId, { subjectId: elsewhereSubjectId }), 404, 'SUBJECT.NOT_FOUND');
  });

  it("another municipality's signal, or an unknown one: 404 SIGNAL.NOT_FOUND", async () => {
    await expectRefused(link(elsewhereSignalId, { subjectId }), 404, 'SIGNAL.NOT_FOUND');
    await expectRefused(link(randomUUID(), { subjectId }), 404, 'SIGNAL.NOT_FOUND');
    await expectRefused(link('not-a-uuid', { subjectId }), 404, 'SIGNAL.NOT_FOUND');
  });

  it('a malformed body: 400 VALIDATION.FAILED', async () => {
    await expectRefused(link(signalId, {}), 400, 'VALIDATION.FAILED');
    await expectRefused(link(signalId, { subjectId: 'abc' }), 400, 'VALIDATION.FAILED');
    await expectRefused(link(signalId, { subjectId, extra: true }), 400, 'VALIDATION.FAILED');
  });

  it('a role other than coordinator: 403 AUTH.ROLE_NOT_ALLOWED', async () => {
    await expectRefused(link(signalId, { subjectId }, intakeSystem), 403, 'AUTH.ROLE_NOT_ALLOWED');
  });
});

describe('dismissing a signal', () => {
  it('without a reason, or with one that is too short or too long: 400 VALIDATION.FAILED', async () => {
    await expectRefused(dismiss(signalId, {}), 400, 'VALIDATION.FAILED');
    await expectRefused(dismiss(signalId, { reason: 'nee' }), 400, 'VALIDATION.FAILED');
    await expectRefused(dismiss(signalId, { reason: 'x'.repeat(2001) }), 400, 'VALIDATION.FAILED');
    await expectRefused(dismiss(signalId, { reason: 42 }), 400, 'VALIDATION.FAILED');
  });

  it('with a reason that is blank after trimming: 400 SIGNAL.DISMISSAL_REASON_INVALID', async () => {
    await expectRefused(dismiss(signalId, { reason: '         ' }), 400, 'SIGNAL.DISMISSAL_REASON_INVALID');
  });

  it("another municipality's signal: 404 SIGNAL.NOT_FOUND", async () => {
    await expectRefused(dismiss(elsewhereSignalId, { reason: 'Niet van ons' }), 404, 'SIGNAL.NOT_FOUND');
  });

  it('twice: the second time 409 SIGNAL.ALREADY_DISMISSED, and a dismissed signal cannot be linked', async () => {
    const id = await receive(home, mmaPayload(home));
    const first = await h.request('POST', `/v1/signals/${id}/dismissal`, { token: coordinator, body: { reason: 'Geen ondermijning' } });
    expect(first.status).toBe(200);
    await expectRefused(dismiss(id, { reason: 'Nogmaals afgewezen' }), 409, 'SIGNAL.ALREADY_DISMISSED');
    await expectRefused(link(id, { subjectId }), 409, 'SIGNAL.ALREADY_DISMISSED');
    // Nor put in a case: it would be dismissed and in a case at once.
    await waitFor(() => routerSignalRow(h, id).then((r) => r?.dismissed === true), { what: 'the dismissal in router_signals' });
    await expectRefused(() => h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ondermijning-intake', signalIds: [id] } }), 409, 'SIGNAL.ALREADY_DISMISSED');
  });

  it('a signal in a case: 409 SIGNAL.IN_CASE', async () => {
    const id = await receive(home, mmaPayload(home));
    const opened = await h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ondermijning-intake', signalIds: [id] } });
    expect(opened.status).toBe(201);
    const caseId: string = opened.body.caseId;
    await waitFor(() => routerSignalRow(h, id).then((r) => r?.case_id === caseId), { what: 'the case in router_signals' });
    await expectRefused(dismiss(id, { reason: 'Toch niets aan de hand' }), 409, 'SIGNAL.IN_CASE');
  });
});

describe('registering and reading subjects', () => {
  it('a BSN that fails the 11-proef: 422 SUBJECT.BSN_INVALID, without the number in the answer', async () => {
    const res = await expectRefused(() => h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: home, name: 'X', bsn: '111222334' } }), 422, 'SUBJECT.BSN_INVALID');
    expect(res.text).not.toContain('111222334');
  });

  it('a second person with the same BSN: 409 SUBJECT.BSN_CONFLICT naming the registered one', async () => {
    const res = await expectRefused(() => h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: home, name: 'Y', bsn: '111222333' } }), 409, 'SUBJECT.BSN_CONFLICT');
    expect(res.body.title).toContain(subjectId);
    expect(res.text).not.toContain('111222333');
  });

  it('fields that do not fit the kind, missing identification, unknown fields', async () => {
    const register = (body: unknown) => () => h.request('POST', '/v1/subjects', { token: coordinator, body });
    await expectRefused(register({ kind: 'business', municipality: home, name: 'X', bsn: '111222333' }), 422, 'SUBJECT.FIELD_NOT_FOR_KIND');
    await expectRefused(register({ kind: 'person', municipality: home }), 422, 'SUBJECT.FIELD_INVALID');
    await expectRefused(register({ kind: 'club', municipality: home, name: 'X' }), 400, 'VALIDATION.FAILED');
    await expectRefused(register({ kind: 'person', municipality: home, name: 'X', nickname: 'Y' }), 400, 'VALIDATION.FAILED');
  });

  it('in a municipality not in your token: 403 AUTH.MUNICIPALITY_NOT_ALLOWED', async () => {
    await expectRefused(() => h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: elsewhere, name: 'X' } }), 403, 'AUTH.MUNICIPALITY_NOT_ALLOWED');
  });

  it("reading another municipality's subject, an unknown or a malformed id: 404 SUBJECT.NOT_FOUND", async () => {
    await expectRefused(() => h.request('GET', `/v1/subjects/${elsewhereSubjectId}`, { token: coordinator }), 404, 'SUBJECT.NOT_FOUND');
    await expectRefused(() => h.request('GET', `/v1/subjects/${randomUUID()}`, { token: coordinator }), 404, 'SUBJECT.NOT_FOUND');
    await expectRefused(() => h.request('GET', '/v1/subjects/123', { token: coordinator }), 404, 'SUBJECT.NOT_FOUND');
  });
});

describe('statistics', () => {
  it("another municipality's statistics: 403; a missing municipality or a bad period: 400", async () => {
    await expectRefused(() => h.request('GET', `/v1/statistics/signals?municipality=${elsewhere}`, { token: coordinator }), 403, 'AUTH.MUNICIPALITY_NOT_ALLOWED');
    await expectRefused(() => h.request('GET', '/v1/statistics/signals', { token: coordinator }), 400, 'VALIDATION.FAILED');
    await expectRefused(() => h.request('GET', `/v1/statistics/signals?municipality=${home}&from=2026-02-30`, { token: coordinator }), 400, 'VALIDATION.FAILED');
    await expectRefused(() => h.request('GET', `/v1/statistics/signals?municipality=${home}&from=2026-03-01&to=2026-02-01`, { token: coordinator }), 400, 'VALIDATION.PERIOD_INVALID');
  });
});

describe('suggestions', () => {
  it("for another municipality's signal: 404 SIGNAL.NOT_FOUND", async () => {
    await expectRefused(() => h.request('GET', `/v1/signals/${elsewhereSignalId}/subject-suggestions`, { token: coordinator }), 404, 'SIGNAL.NOT_FOUND');
  });

  it('a zorgmelding whose BSN matches nothing gets no suggestions', async () => {
    const id = await receive(home, zorgmeldingPayload(home, undefined, { subject: { name: 'Niemand Bekend', bsn: '123456782' } }), 'zorgmelding');
    const res = await h.request('GET', `/v1/signals/${id}/subject-suggestions`, { token: coordinator });
    expect(res.body).toEqual({ signalId: id, suggestions: [] });
  });
});
