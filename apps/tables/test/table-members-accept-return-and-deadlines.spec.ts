import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REFERRAL_TOPICS } from '#contracts';
import { ONDERMIJNING_INTAKE_MODEL } from '#domain';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import type { TopicWatcher } from '../../../test/support/kafka-probe.js';
import { appendSignals, envelopeOf, expectProblem, rawOf, registered, ScriptedCase, streamEvents, TABLES_APP, TABLES_OUTPUT_TOPICS, timersOf, zvhReferral as referToZvh } from './support/tables-fixtures.js';

/**
 * Table members work through the register: they see their table's referrals in their region, accept or
 * return them (an event on `signaalroute.referrals.v1` the router applies to the case), and an
 * unacknowledged referral gets a reminder and an overdue notice at its deadline (durable timers, tick()).
 */

let h: AppHarness;
let watcher: TopicWatcher;
const ENSCHEDE = 'GM0153';
const HENGELO = 'GM0164';
let zvhMember: string;
let zvhMemberHengelo: string;
let riecMember: string;
let coordinator: string;

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP] });
  watcher = await h.watch(TABLES_OUTPUT_TOPICS);
  zvhMember = await h.token('table-member', [ENSCHEDE], { subject: 'zvh-petra', tables: ['zvh-casusoverleg'] });
  zvhMemberHengelo = await h.token('table-member', [HENGELO], { subject: 'zvh-hans', tables: ['zvh-casusoverleg'] });
  riecMember = await h.token('table-member', [ENSCHEDE], { subject: 'riec-rik', tables: ['riec'] });
  coordinator = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-anna' });
});

afterAll(async () => {
  await h?.stop();
});

const zvhReferral = () => referToZvh(h, ENSCHEDE);

const path = (id: string, action = '') => `/v1/tables/zvh-casusoverleg/referrals/${id}${action}`;

describe('who sees what', () => {
  it('a table member sees the referral of their table and region, without the case id; a member elsewhere does not', async () => {
    const { c, referralId } = await zvhReferral();
    const mine = await h.request('GET', '/v1/tables/zvh-casusoverleg/referrals?limit=200', { token: zvhMember });
    expect(mine.status).toBe(200);
    const item = mine.body.items.find((i: { referralId: string }) => i.referralId === referralId);
    expect(item).toMatchObject({ referralId, table: 'zvh-casusoverleg', municipality: ENSCHEDE, caseType: 'ave', status: 'open', case: { caseState: 'ave-3', referralReason: 'Meerdere leefgebieden' } });
    expect(item).not.toHaveProperty('caseId');
    expect(JSON.stringify(mine.body)).not.toContain(c.caseId);

    const hengelo = await h.request('GET', '/v1/tables/zvh-casusoverleg/referrals?limit=200', { token: zvhMemberHengelo });
    expect(hengelo.body.items.map((i: { referralId: string }) => i.referralId)).not.toContain(referralId);
    expectProblem(await h.request('GET', path(referralId), { token: zvhMemberHengelo }), 404, 'REFERRAL.NOT_FOUND');

    expectProblem(await h.request('GET', '/v1/tables/zvh-casusoverleg/referrals', { token: riecMember }), 403, 'AUTH.TABLE_NOT_ALLOWED');
    expectProblem(await h.request('GET', '/v1/tables/geen-tafel/referrals', { token: zvhMember }), 404, 'TABLE.NOT_FOUND');

    const coord = await h.request('GET', path(referralId), { token: coordinator });
    expect(coord.body).toMatchObject({ referralId, caseId: c.caseId });
  });
});

describe('accept and return', () => {
  it('accepting publishes ReferralAccepted with what the table takes over; accepting again changes nothing', async () => {
    const { c, referralId } = await zvhReferral();
    const res = await h.request('POST', path(referralId, '/accept'), { token: zvhMember });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ referralId, status: 'accepted', decidedBy: 'zvh-petra', version: 2 });
    const [message] = await watcher.waitFor((m) => m.topic === REFERRAL_TOPICS.referrals && m.key === `referral-${referralId}`);
    expect(envelopeOf(message!)).toMatchObject({
      type: 'ReferralAccepted',
      actor: { id: 'zvh-petra', role: 'table-member' },
      payload: { referralId, caseId: c.caseId, table: 'zvh-casusoverleg', municipality: ENSCHEDE, responsibilities: { procesregie: 'zvh' }, decidedBy: { id: 'zvh-petra', role: 'table-member' } },
    });

    const before = await h.countEvents();
    const again = await h.request('POST', path(referralId, '/accept'), { token: zvhMember });
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(2);
    expect(await h.countEvents()).toBe(before);
    expectProblem(await h.request('POST', path(referralId, '/return'), { token: zvhMember, body: { reason: 'Toch niet' } }), 409, 'REFERRAL.ALREADY_DECIDED');
  });

  it('returning needs a reason and publishes ReferralReturned', async () => {
    const { referralId } = await zvhReferral();
    expectProblem(await h.request('POST', path(referralId, '/return'), { token: zvhMember, body: {} }), 400, 'VALIDATION.FAILED');
    const res = await h.request('POST', path(referralId, '/return'), { token: zvhMember, body: { reason: 'Valt buiten de criteria' } });
    expect(res.body).toMatchObject({ status: 'returned', reason: 'Valt buiten de criteria' });
    const [message] = await watcher.waitFor((m) => m.topic === REFERRAL_TOPICS.referrals && m.key === `referral-${referralId}`);
    // On Kafka the reason travels sealed under the case's key; the API above opened it.
    expect(envelopeOf(message!)).toMatchObject({ type: 'ReferralReturned', payload: { referralId, reason: expect.stringMatching(/^pd1\./) } });
    expect(rawOf(message!)).not.toContain('Valt buiten de criteria');
  });

  it("refuses a return once another process erased the case (its key destroyed while this process still holds it), changing nothing", async () => {
    const { c, referralId } = await zvhReferral();
    // The first return makes the case's key; the second loads it, and this process keeps it for sealing.
    expect((await h.request('POST', path(referralId, '/return'), { token: zvhMember, body: { reason: 'Eerst terug' } })).status).toBe(200);
    const second = await c.referDirectly('zvh-casusoverleg', 'Opnieuw verwezen');
    await registered(h, second);
    expect((await h.request('POST', path(second, '/return'), { token: zvhMember, body: { reason: 'Weer terug' } })).status).toBe(200);
    const again = await c.referDirectly('zvh-casusoverleg', 'Nog eens verwezen');
    await registered(h, again);
    // The router's erasure, as another process does it: the key row destroyed, this process's keyring never told.
    await h.query(`UPDATE data_keys SET wrapped_key = NULL, destroyed_at = now(), destruction_id = $2::uuid WHERE owner = $1 AND wrapped_key IS NOT NULL`, [`case:${c.caseId}`, randomUUID()]);
    const before = await h.countEvents();
    expectProblem(await h.request('POST', path(again, '/return'), { token: zvhMember, body: { reason: 'Te laat' } }), 410, 'PRIVACY.ERASED');
    expect(await h.countEvents()).toBe(before);
    expect(await registered(h, again)).toMatchObject({ status: 'open' });
  });

  it('refuses, changing nothing: a member of another table, another region, a coordinator, an unknown referral', async () => {
    const { referralId } = await zvhReferral();
    const before = await h.countEvents();
    expectProblem(await h.request('POST', path(referralId, '/accept'), { token: riecMember }), 403, 'AUTH.TABLE_NOT_ALLOWED');
    expectProblem(await h.request('POST', `/v1/tables/riec/referrals/${referralId}/accept`, { token: riecMember }), 404, 'REFERRAL.NOT_FOUND');
    expectProblem(await h.request('POST', path(referralId, '/accept'), { token: zvhMemberHengelo }), 404, 'REFERRAL.NOT_FOUND');
    expectProblem(await h.request('POST', path(referralId, '/accept'), { token: coordinator }), 403, 'AUTH.ROLE_NOT_ALLOWED');
    expectProblem(await h.request('POST', path('00000000-0000-4000-8000-000000000000', '/accept'), { token: zvhMember }), 404, 'REFERRAL.NOT_FOUND');
    expect(await h.countEvents()).toBe(before);
    expect((await registered(h, referralId)).status).toBe('open');
  });
});

describe('a municipality the table no longer serves', () => {
  it("cannot have its open referrals accepted or returned there, as they are no longer listed there", async () => {
    // As after a configuration change that took the municipality out of the table's region: the register still holds
    // its open referral, and the member's token still names it.
    const { referralId } = await zvhReferral();
    const outside = 'GM0003';
    await h.query('UPDATE table_referrals SET municipality = $2 WHERE referral_id = $1', [referralId, outside]);
    const member = await h.token('table-member', [ENSCHEDE, outside], { subject: 'zvh-piet', tables: ['zvh-casusoverleg'] });
    const before = await h.countEvents();
    expectProblem(await h.request('GET', path(referralId), { token: member }), 404, 'REFERRAL.NOT_FOUND');
    expectProblem(await h.request('POST', path(referralId, '/accept'), { token: member }), 404, 'REFERRAL.NOT_FOUND');
    expectProblem(await h.request('POST', path(referralId, '/return'), { token: member, body: { reason: 'Niet voor ons' } }), 404, 'REFERRAL.NOT_FOUND');
    expect(await h.countEvents()).toBe(before);
  });
});

describe('an unacknowledged referral: reminder, then overdue, each once', () => {
  it('reminds the table before the deadline and tells the municipality at the deadline', async () => {
    const { c, referralId } = await zvhReferral();
    const row = await registered(h, referralId);
    const timers = timersOf(h);
    expect(await timers.tick(new Date(new Date(row.remind_at).getTime() - 1))).toMatchObject({ reminders: 0, overdue: 0 });

    await timers.tick(new Date(row.remind_at));
    const [reminder] = await watcher.waitFor((m) => m.topic === 'signaalroute.tables.zvh-casusoverleg.v1' && m.key === `referral-${referralId}` && envelopeOf(m).type === 'ReferralReminderSent');
    expect(envelopeOf(reminder!).payload).toEqual({ referralId, table: 'zvh-casusoverleg', municipality: ENSCHEDE, acceptBy: new Date(row.accept_by).toISOString(), at: new Date(row.remind_at).toISOString() });
    await timers.tick(new Date(row.remind_at));

    await timers.tick(new Date(row.accept_by));
    const [overdue] = await watcher.waitFor((m) => m.topic === REFERRAL_TOPICS.referrals && m.key === `referral-${referralId}`);
    expect(envelopeOf(overdue!)).toMatchObject({ type: 'ReferralAcceptanceOverdue', payload: { referralId, caseId: c.caseId } });
    await timers.tick(new Date(new Date(row.accept_by).getTime() + 86_400_000));
    expect((await streamEvents(h, `referral-${referralId}`)).map((e) => e.type)).toEqual(['ReferralPublished', 'ReferralReminderSent', 'ReferralAcceptanceOverdue']);

    // Still open: the table may accept late.
    expect((await h.request('POST', path(referralId, '/accept'), { token: zvhMember })).status).toBe(200);
  });

  it('an accepted referral gets neither', async () => {
    const { referralId } = await zvhReferral();
    await h.request('POST', path(referralId, '/accept'), { token: zvhMember });
    const row = await registered(h, referralId);
    await timersOf(h).tick(new Date(new Date(row.accept_by).getTime() + 1));
    expect((await streamEvents(h, `referral-${referralId}`)).map((e) => e.type)).toEqual(['ReferralPublished', 'ReferralAccepted']);
  });
});

describe('the RIEC', () => {
  it('receives an ondermijning referral and may accept it; it takes over procesregie', async () => {
    const signals = await appendSignals(h, ENSCHEDE);
    const c = new ScriptedCase(h, ENSCHEDE);
    await c.open(ONDERMIJNING_INTAKE_MODEL, signals.ids);
    await c.walkTo(ONDERMIJNING_INTAKE_MODEL, 'riec');
    const referralId = await c.refer('riec', 'Boven de eigen mogelijkheden');
    await registered(h, referralId);
    const res = await h.request('POST', `/v1/tables/riec/referrals/${referralId}/accept`, { token: riecMember });
    expect(res.status).toBe(200);
    const [message] = await watcher.waitFor((m) => m.topic === REFERRAL_TOPICS.referrals && m.key === `referral-${referralId}`);
    expect(envelopeOf(message!).payload).toMatchObject({ responsibilities: { procesregie: 'riec' } });
  });
});
