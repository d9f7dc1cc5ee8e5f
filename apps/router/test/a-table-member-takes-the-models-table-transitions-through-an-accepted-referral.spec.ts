import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { TABLES_APP } from '../../tables/test/support/tables-fixtures.js';
import { caseEventTypes, caseReferredToRiec, expectRefused, mmaPayload, PRODUCT_APPS } from './support/router-fixtures.js';

/**
 * A model may give a table a transition: in `ondermijning-intake` the RIEC may hand a case back
 * (`retour-van-riec`, roles coordinator and table-member). Table members never see case ids (their register
 * shows referrals), so they reach the case through their referral: `GET /v1/tables/{table}/referrals/{id}/case`
 * shows the case's state, version (ETag) and the transitions they may take, and
 * `POST …/case/transitions` takes one. A member may act only after their table accepted the referral and only
 * while the case stays in the state it was referred in; the answer never names the case, its subject or its
 * signals. Real PostgreSQL and Kafka, all four apps.
 */

let h: AppHarness;
const ENSCHEDE = 'GM0153';
const HENGELO = 'GM0164';
let intake: string;
let coordinator: string;
let riecMember: string;
let riecMemberHengelo: string;
let zvhMember: string;

beforeAll(async () => {
  h = await startApp({ apps: [...PRODUCT_APPS, TABLES_APP] });
  intake = await h.token('intake-system', [ENSCHEDE], { subject: 'connector-mma-partner' });
  coordinator = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-partner' });
  riecMember = await h.token('table-member', [ENSCHEDE], { subject: 'riec-member-partner', tables: ['riec'] });
  riecMemberHengelo = await h.token('table-member', [HENGELO], { subject: 'riec-member-hengelo', tables: ['riec'] });
  zvhMember = await h.token('table-member', [ENSCHEDE], { subject: 'zvh-member-partner', tables: ['zvh-casusoverleg'] });
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

/** An MMA tip walked to the RIEC decision and referred to the RIEC; the referral is in the RIEC's register. */
async function referredToRiec(): Promise<{ caseId: string; referralId: string }> {
  const tip = await h.request('POST', '/v1/signals/mma', { token: intake, body: mmaPayload(ENSCHEDE) });
  expect(tip.status).toBe(201);
  const { caseId, referralId } = await caseReferredToRiec(h, coordinator, tip.body.signalId, 'Ondermijning');
  await waitFor(async () => (await h.request('GET', `/v1/tables/riec/referrals/${referralId}`, { token: riecMember })).status === 200 || undefined, { what: 'the referral in the RIEC register' });
  return { caseId, referralId };
}

async function accepted(caseId: string, referralId: string): Promise<void> {
  expect((await h.request('POST', `/v1/tables/riec/referrals/${referralId}/accept`, { token: riecMember })).status).toBe(200);
  await waitFor(async () => {
    const res = await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator });
    return res.body.referrals.some((r: { referralId: string; outcome?: string }) => r.referralId === referralId && r.outcome === 'accepted') || undefined;
  }, { what: 'the router to apply ReferralAccepted', timeoutMs: 30_000 });
}

const casePath = (referralId: string, table = 'riec') => `/v1/tables/${table}/referrals/${referralId}/case`;
const hand = (referralId: string, etag: string | null, token = riecMember, body: Record<string, unknown> = { transition: 'retour-van-riec', reason: 'Binnen de eigen mogelijkheden van de gemeente' }, extra: Record<string, string> = {}) =>
  h.request('POST', `${casePath(referralId)}/transitions`, { token, body, headers: { ...(etag ? { 'if-match': etag } : {}), ...extra } });

describe('a RIEC member hands the case back through the accepted referral', () => {
  it('shows the case without naming it, takes retour-van-riec as the table member, and the case is back at weging-3', async () => {
    const { caseId, referralId } = await referredToRiec();
    await accepted(caseId, referralId);

    const seen = await h.request('GET', casePath(referralId), { token: riecMember });
    expect(seen.status).toBe(200);
    // Whether the table may act, what it may take and the version: nothing of the case itself, not even its state.
    expect(seen.body).toEqual({
      referralId,
      table: 'riec',
      caseType: 'ondermijning-intake',
      version: expect.any(Number),
      mayAct: true,
      allowedTransitions: [{ name: 'retour-van-riec', to: 'weging-3', requires: { reason: true, reasonCategories: [], fields: [] }, optionalFields: [] }],
    });
    expect(seen.headers.get('etag')).toBe(`"${seen.body.version}"`);
    expect(JSON.stringify(seen.body)).not.toContain(caseId);

    const taken = await hand(referralId, seen.headers.get('etag'));
    expect(taken.status).toBe(200);
    // Having handed the case back, the table may no longer act: no version either (it would show the case's activity).
    expect(taken.body).toEqual({ referralId, table: 'riec', caseType: 'ondermijning-intake', mayAct: false, allowedTransitions: [] });
    expect(taken.headers.get('etag')).toBeNull();
    expect(JSON.stringify(taken.body)).not.toContain(caseId);
    const [event] = await h.query<{ type: string; actor_id: string; actor_role: string; payload: Record<string, unknown> }>(
      'SELECT type, actor_id, actor_role, payload FROM events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1',
      [`case-${caseId}`],
    );
    expect(event).toMatchObject({ type: 'CaseTransitioned', actor_id: 'riec-member-partner', actor_role: 'table-member', payload: { transition: 'retour-van-riec', from: 'riec', to: 'weging-3', referralId, table: 'riec' } });

    const coordinatorView = await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator });
    expect(coordinatorView.body.currentState).toBe('weging-3');

    // The processing log names the case (pseudonymised) for the read and the change, although the answers do not.
    const logged = await h.query<{ method: string; data_subject_type: string; has_ref: boolean }>(
      `SELECT method, data_subject_type, data_subject_ref IS NOT NULL AS has_ref FROM processing_log WHERE actor_id = 'riec-member-partner' AND route LIKE '%/case%' AND status_code = 200 ORDER BY id`,
    );
    expect(logged.slice(0, 2)).toEqual([
      { method: 'GET', data_subject_type: 'case', has_ref: true },
      { method: 'POST', data_subject_type: 'case', has_ref: true },
    ]);
  });

  it('sent again with its Idempotency-Key: the same answer, marked replayed, taken once', async () => {
    const { caseId, referralId } = await referredToRiec();
    await accepted(caseId, referralId);
    const etag = (await h.request('GET', casePath(referralId), { token: riecMember })).headers.get('etag');
    const key = `retour-${randomUUID()}`;
    expect((await hand(referralId, etag, riecMember, undefined, { 'idempotency-key': key })).status).toBe(200);
    const again = await hand(referralId, etag, riecMember, undefined, { 'idempotency-key': key });
    expect({ status: again.status, replayed: again.headers.get('idempotent-replayed'), mayAct: again.body.mayAct }).toEqual({ status: 200, replayed: 'true', mayAct: false });
    expect(JSON.stringify(again.body)).not.toContain(caseId);
    expect((await caseEventTypes(h, caseId)).filter((t) => t === 'CaseTransitioned')).toHaveLength(5);
  });
});

describe('refused, changing nothing', () => {
  it('before the table accepted: the case is shown without transitions, and taking one answers 409 REFERRAL.NOT_ACCEPTED', async () => {
    const { referralId } = await referredToRiec();
    const seen = await h.request('GET', casePath(referralId), { token: riecMember });
    expect(seen.body).toMatchObject({ mayAct: false, allowedTransitions: [] });
    await expectRefused(h, () => hand(referralId, seen.headers.get('etag')), 409, 'REFERRAL.NOT_ACCEPTED');
  });

  it('once the case left the state it was referred in: 409 REFERRAL.CASE_MOVED_ON', async () => {
    const { caseId, referralId } = await referredToRiec();
    await accepted(caseId, referralId);
    const etag = (await h.request('GET', casePath(referralId), { token: riecMember })).headers.get('etag');
    expect((await hand(referralId, etag)).status).toBe(200);
    const now = await h.request('GET', casePath(referralId), { token: riecMember });
    expect(now.body).toMatchObject({ mayAct: false, allowedTransitions: [] });
    expect(now.body).not.toHaveProperty('version');
    await expectRefused(h, () => hand(referralId, now.headers.get('etag')), 409, 'REFERRAL.CASE_MOVED_ON');
  });

  it('a transition the model keeps for coordinators: 403 CASE.ROLE_NOT_ALLOWED; a stale version: 409', async () => {
    const { caseId, referralId } = await referredToRiec();
    await accepted(caseId, referralId);
    const seen = await h.request('GET', casePath(referralId), { token: riecMember });
    await expectRefused(h, () => hand(referralId, seen.headers.get('etag'), riecMember, { transition: 'afsluiten-na-riec', reason: 'Klaar' }), 403, 'CASE.ROLE_NOT_ALLOWED');
    const stale = await expectRefused(h, () => hand(referralId, `"${seen.body.version - 1}"`), 409, 'EVENTSTORE.VERSION_CONFLICT');
    expect(stale.body).toMatchObject({ currentVersion: seen.body.version });
    expect(stale.text).not.toContain(caseId);
  });

  it('a member of another table, of another region, a coordinator, an unknown referral, a referral of another table', async () => {
    const { caseId, referralId } = await referredToRiec();
    await accepted(caseId, referralId);
    const etag = (await h.request('GET', casePath(referralId), { token: riecMember })).headers.get('etag');
    await expectRefused(h, () => hand(referralId, etag, zvhMember), 403, 'AUTH.TABLE_NOT_ALLOWED');
    await expectRefused(h, () => hand(referralId, etag, zvhMember, { transition: 'retour-van-riec', onbekend: true }), 403, 'AUTH.TABLE_NOT_ALLOWED');
    await expectRefused(h, () => hand(randomUUID(), etag, riecMember, { transition: 'retour-van-riec', onbekend: true }), 404, 'REFERRAL.NOT_FOUND');
    await expectRefused(h, () => h.request('GET', casePath(referralId), { token: zvhMember }), 403, 'AUTH.TABLE_NOT_ALLOWED');
    await expectRefused(h, () => hand(referralId, etag, riecMemberHengelo), 404, 'REFERRAL.NOT_FOUND');
    await expectRefused(h, () => h.request('GET', casePath(referralId), { token: riecMemberHengelo }), 404, 'REFERRAL.NOT_FOUND');
    await expectRefused(h, () => hand(referralId, etag, coordinator), 403, 'AUTH.ROLE_NOT_ALLOWED');
    await expectRefused(h, () => hand(randomUUID(), etag), 404, 'REFERRAL.NOT_FOUND');
    await expectRefused(h, () => h.request('GET', casePath(referralId, 'zvh-casusoverleg'), { token: zvhMember }), 404, 'REFERRAL.NOT_FOUND');
    await expectRefused(h, () => h.request('GET', casePath('not-a-uuid'), { token: riecMember }), 404, 'REFERRAL.NOT_FOUND');
    await expectRefused(h, () => hand(referralId, etag, riecMember, { transition: 'retour-van-riec', reason: 'Terug', caseId }), 400, 'VALIDATION.FAILED');
  });
});
