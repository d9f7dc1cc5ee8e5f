import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AVE_MODEL, summarizeTableStatistics } from '#domain';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { movableClock } from '../../router/test/support/router-fixtures.js';
import { TableStatisticsRepository } from '../src/statistics/table-statistics.repository.js';
import { appendSignals, expectProblem, ScriptedCase, TABLES_APP, timersOf, zvhReferral as referToZvh } from './support/tables-fixtures.js';

/**
 * Statistics of the tables and police liaisons for council reports, end to end on real PostgreSQL and Kafka:
 * cases appended to the case stream are referred to the ZVH casusoverleg and escalated to the police; table
 * members accept and return, liaisons acknowledge, the timers move escalations through the tiers on a moved
 * clock; `GET /v1/statistics/tables` counts them per table against the acceptance deadline and per tier, and
 * those that reached the coordinator by why (every tier exhausted here; Amsterdam, which the politie table does not
 * serve, at once), with every count of 1 to 4 as "<5".
 */

let h: AppHarness;
const clock = movableClock();
const ENSCHEDE = 'GM0153';
const HENGELO = 'GM0164';
/** Outside the shipped politie table's region: its escalations go to the coordinator at once. */
const AMSTERDAM = 'GM0363';
const DAY_MS = 86_400_000;
let coordinator: string;
let coordinatorAmsterdam: string;
let auditor: string;
let zvhMember: string;
let liaison: string;
let today: string;

const statistics = (query: string, token = coordinator) => h.request('GET', `/v1/statistics/tables?${query}`, { token });
const referralPath = (id: string, action: string) => `/v1/tables/zvh-casusoverleg/referrals/${id}/${action}`;

const zvhReferral = async (municipality = ENSCHEDE): Promise<string> => (await referToZvh(h, municipality)).referralId;

const escalationRow = (id: string) => h.query<Record<string, any>>('SELECT * FROM liaison_escalations WHERE escalation_id = $1', [id]).then((r) => r[0]!);

/** An AVE case of `municipality` in AVE 4 (MayorInformed escalates to the police); resolves with its escalation id. */
async function escalation(municipality = ENSCHEDE): Promise<string> {
  const signals = await appendSignals(h, municipality);
  const c = new ScriptedCase(h, municipality);
  await c.open(AVE_MODEL, signals.ids);
  await c.walkTo(AVE_MODEL, 'ave-4');
  const row = await waitFor(async () => (await h.query<Record<string, any>>('SELECT escalation_id FROM liaison_escalations WHERE case_id = $1', [c.caseId]))[0], { what: `an escalation of case ${c.caseId}` });
  return row.escalation_id;
}

/** Moves the clock to the escalation's current due time and runs the timers once. */
async function timeOut(id: string): Promise<Record<string, any>> {
  clock.set((await escalationRow(id)).ack_due_at);
  await timersOf(h).tick(clock.now());
  return escalationRow(id);
}

const ok = async (res: Promise<{ status: number }>) => expect((await res).status).toBe(200);

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP], clock: clock.now });
  coordinator = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-statistics' });
  coordinatorAmsterdam = await h.token('coordinator', [AMSTERDAM], { subject: 'coordinator-statistics-amsterdam' });
  auditor = await h.token('auditor', [], { subject: 'auditor-statistics' });
  zvhMember = await h.token('table-member', [ENSCHEDE], { subject: 'zvh-petra', tables: ['zvh-casusoverleg'] });
  liaison = await h.token('police-liaison', [ENSCHEDE], { subject: 'agent-jansen' });
  today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());

  // Eight ZVH referrals (10 working days to accept) and three escalations; one referral of another municipality,
  // and an escalation of Amsterdam, which the politie table does not serve.
  const referrals = await Promise.all(Array.from({ length: 8 }, () => zvhReferral()));
  await zvhReferral(HENGELO);
  const [acknowledgedAtOnce, acknowledgedByBackup, exhausted] = await Promise.all([escalation(), escalation(), escalation(), escalation(AMSTERDAM)]);

  // In time: five accepted, one returned; the first escalation acknowledged by the first tier at once.
  for (const id of referrals.slice(0, 5)) await ok(h.request('POST', referralPath(id, 'accept'), { token: zvhMember }));
  await ok(h.request('POST', referralPath(referrals[5]!, 'return'), { token: zvhMember, body: { reason: 'Valt buiten de criteria' } }));
  await ok(h.request('POST', `/v1/liaison/escalations/${acknowledgedAtOnce}/ack`, { token: liaison }));

  // Twente tiers: the duty liaison twice (15 minutes each), the backup, the team chief, then the coordinator.
  while ((await escalationRow(acknowledgedByBackup!)).tier_index < 1) await timeOut(acknowledgedByBackup!);
  await ok(h.request('POST', `/v1/liaison/escalations/${acknowledgedByBackup}/ack`, { token: liaison }));
  while ((await escalationRow(exhausted!)).status === 'open') await timeOut(exhausted!);
  expect((await escalationRow(exhausted!)).status).toBe('coordinator-alerted');
  await ok(h.request('POST', `/v1/liaison/escalations/${exhausted}/ack`, { token: liaison }));

  // Three weeks on: one referral accepted late, one still open past its deadline, an escalation still open.
  clock.advance(21 * DAY_MS);
  await ok(h.request('POST', referralPath(referrals[6]!, 'accept'), { token: zvhMember }));
  await escalation();
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

describe('GET /v1/statistics/tables', () => {
  it('counts referrals per table against the acceptance deadline and escalations per tier, with every count of 1 to 4 as "<5"', async () => {
    const res = await statistics(`municipality=${ENSCHEDE}`);
    expect(res.status).toBe(200);
    const counts = {
      total: 8,
      open: '<5',
      accepted: 6,
      returned: '<5',
      rejected: 0,
      answeredWithinDeadline: 6,
      answeredAfterDeadline: '<5',
      openPastDeadline: '<5',
    };
    expect(res.body).toEqual({
      municipality: ENSCHEDE,
      from: null,
      to: null,
      referrals: { ...counts, byTable: [{ table: 'zvh-casusoverleg', ...counts }] },
      escalations: {
        raised: '<5',
        acknowledged: '<5',
        acknowledgedByTier: [
          { tier: 'backup-liaison', acknowledged: '<5' },
          { tier: 'dienstdoende-liaison', acknowledged: '<5' },
        ],
        acknowledgedAfterCoordinatorAlerted: '<5',
        acknowledgedWithinFirstTierTimeout: '<5',
        coordinatorAlerted: '<5',
        coordinatorAlertedByReason: [
          { reason: 'tiers-exhausted', coordinatorAlerted: '<5' },
          { reason: 'municipality-not-served', coordinatorAlerted: 0 },
          { reason: 'municipality-no-longer-served', coordinatorAlerted: 0 },
        ],
        open: '<5',
      },
    });
    expect(JSON.stringify(res.body)).not.toMatch(/Valt buiten|Meerdere leefgebieden/);
  });

  it('reads the exact figures from the register and the escalation steps: a late acknowledgement still counts as coordinator alerted, every tier exhausted', async () => {
    const repository = h.running.app.get(TableStatisticsRepository, { strict: false });
    const exact = summarizeTableStatistics(await repository.referrals(ENSCHEDE, null, null), await repository.escalations(ENSCHEDE, null, null), clock.now());
    expect(exact.referrals).toMatchObject({ total: 8, open: 1, accepted: 6, returned: 1, answeredWithinDeadline: 6, answeredAfterDeadline: 1, openPastDeadline: 1 });
    expect(exact.escalations).toEqual({
      raised: 4,
      acknowledged: 3,
      acknowledgedByTier: [
        { tier: 'backup-liaison', acknowledged: 1 },
        { tier: 'dienstdoende-liaison', acknowledged: 1 },
      ],
      acknowledgedAfterCoordinatorAlerted: 1,
      acknowledgedWithinFirstTierTimeout: 1,
      coordinatorAlerted: 1,
      coordinatorAlertedByReason: [
        { reason: 'tiers-exhausted', coordinatorAlerted: 1 },
        { reason: 'municipality-not-served', coordinatorAlerted: 0 },
        { reason: 'municipality-no-longer-served', coordinatorAlerted: 0 },
      ],
      open: 1,
    });
  });

  it('counts an escalation of a municipality the politie table does not serve as with the coordinator because it is not served', async () => {
    const repository = h.running.app.get(TableStatisticsRepository, { strict: false });
    expect(summarizeTableStatistics([], await repository.escalations(AMSTERDAM, null, null), clock.now()).escalations).toMatchObject({
      raised: 1,
      acknowledged: 0,
      coordinatorAlerted: 1,
      coordinatorAlertedByReason: [
        { reason: 'tiers-exhausted', coordinatorAlerted: 0 },
        { reason: 'municipality-not-served', coordinatorAlerted: 1 },
        { reason: 'municipality-no-longer-served', coordinatorAlerted: 0 },
      ],
      open: 0,
    });
    const res = await statistics(`municipality=${AMSTERDAM}`, coordinatorAmsterdam);
    expect(res.status).toBe(200);
    expect(res.body.escalations).toMatchObject({
      raised: '<5',
      coordinatorAlerted: '<5',
      coordinatorAlertedByReason: [
        { reason: 'tiers-exhausted', coordinatorAlerted: 0 },
        { reason: 'municipality-not-served', coordinatorAlerted: '<5' },
        { reason: 'municipality-no-longer-served', coordinatorAlerted: 0 },
      ],
      open: 0,
    });
  });

  it('counts what was referred or raised in the period only (Dutch calendar days); an auditor sees the same figures', async () => {
    const ofToday = await statistics(`municipality=${ENSCHEDE}&from=${today}&to=${today}`);
    expect({ referrals: ofToday.body.referrals.total, raised: ofToday.body.escalations.raised, open: ofToday.body.escalations.open }).toEqual({ referrals: 8, raised: '<5', open: 0 });
    const before2000 = await statistics(`municipality=${ENSCHEDE}&to=1999-12-31`);
    expect({ referrals: before2000.body.referrals.total, byTable: before2000.body.referrals.byTable, raised: before2000.body.escalations.raised, from: before2000.body.from, to: before2000.body.to }).toEqual({
      referrals: 0,
      byTable: [],
      raised: 0,
      from: null,
      to: '1999-12-31',
    });
    expect((await statistics(`municipality=${ENSCHEDE}`, auditor)).body).toEqual((await statistics(`municipality=${ENSCHEDE}`)).body);
  });

  it("bad input: another municipality's figures 403, a table member 403, a missing municipality or a date that does not exist 400, from after to 400", async () => {
    expectProblem(await statistics(`municipality=${HENGELO}`), 403, 'AUTH.MUNICIPALITY_NOT_ALLOWED');
    expectProblem(await statistics(`municipality=${ENSCHEDE}`, zvhMember), 403, 'AUTH.ROLE_NOT_ALLOWED');
    expectProblem(await statistics(''), 400, 'VALIDATION.FAILED');
    expectProblem(await statistics(`municipality=${ENSCHEDE}&from=2026-02-30`), 400, 'VALIDATION.FAILED');
    expectProblem(await statistics(`municipality=${ENSCHEDE}&to=26-01-01`), 400, 'VALIDATION.FAILED');
    expectProblem(await statistics(`municipality=${ENSCHEDE}&from=2026-03-01&to=2026-02-01`), 400, 'VALIDATION.PERIOD_INVALID');
  });
});
