import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pickupOutcome } from '#domain';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { tablesConfigServing } from '../../../test/support/tables-config-serving.js';
import { CaseStatisticsRepository } from '../src/statistics/case-statistics.repository.js';
import { DAY_MS, expectRefused, openedCase, PRODUCT_APPS, sendSignal, takeTransition, twoMunicipalities, walk } from './support/router-fixtures.js';

/**
 * Case statistics for council reports, end to end on real PostgreSQL and Kafka: signals enter intake over
 * HTTP, a coordinator opens and moves cases over HTTP, and `GET /v1/statistics/cases` counts them per model
 * and state, referrals per table and the pickup of undermining intakes, with every count of 1 to 4 as "<5".
 */

let h: AppHarness;
const [home, elsewhere] = twoMunicipalities();
let coordinator: string;
let elsewhereCoordinator: string;
let auditor: string;

const opschalen = (transition: string) => ({ transition, reasonCategory: 'complexiteit', reason: 'Opschalen: complexiteit' });
const statistics = (query: string, token = coordinator) => h.request('GET', `/v1/statistics/cases?${query}`, { token });

async function aveCase(municipality: string, token: string): Promise<{ caseId: string; etag: string }> {
  const signalId = await sendSignal(h, token, 'zorgmelding', municipality);
  const opened = await openedCase(h, token, { model: 'ave', signalIds: [signalId] });
  return { caseId: opened.body.caseId, etag: opened.headers.get('etag')! };
}

/** An undermining intake from an MMA tip received `daysAgo` days ago (the pickup term starts at receipt). */
async function intakeCase(daysAgo: number): Promise<{ caseId: string }> {
  const signalId = await sendSignal(h, coordinator, 'mma', home, { receivedAt: new Date(Date.now() - daysAgo * DAY_MS).toISOString() });
  const opened = await openedCase(h, coordinator, { model: 'ondermijning-intake', signalIds: [signalId] });
  return { caseId: opened.body.caseId };
}

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS, env: { TABLES_CONFIG_FILE: await tablesConfigServing([home]) } });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-statistics' });
  elsewhereCoordinator = await h.token('coordinator', [elsewhere], { subject: 'coordinator-elsewhere' });
  auditor = await h.token('auditor', [], { subject: 'auditor-statistics' });

  // Six AVE cases: five stay in AVE 1, one goes to AVE 3 and is referred to the ZVH casusoverleg.
  const ave = await Promise.all(Array.from({ length: 6 }, () => aveCase(home, coordinator)));
  const escalated = await walk(h, coordinator, ave[0]!.caseId, ave[0]!.etag, [opschalen('opschalen-ave-2'), opschalen('opschalen-ave-3')]);
  const referred = await h.request('POST', `/v1/cases/${ave[0]!.caseId}/referrals`, {
    token: coordinator,
    body: { table: 'zvh-casusoverleg', reason: 'Complexe casus, meerdere leefgebieden' },
    headers: { 'if-match': escalated.headers.get('etag')! },
  });
  expect(referred.status).toBe(200);

  // Three undermining intakes: picked up in time, picked up ten days after receipt (7-day term), still waiting.
  const [inTime, late] = await Promise.all([intakeCase(0), intakeCase(10), intakeCase(0)]);
  // Without If-Match: the late case's term was due when it opened, so the deadline timer may record its warning and
  // breach (new case versions) before the pick-up; pinning the opening's version made that a 409 under load.
  for (const c of [inTime!, late!]) expect((await takeTransition(h, coordinator, c.caseId, { transition: 'start-weging' })).status).toBe(200);

  // A case of another municipality, which must not count.
  await aveCase(elsewhere, elsewhereCoordinator);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('GET /v1/statistics/cases', () => {
  it('counts cases per model and state and referrals per table, with every count of 1 to 4 as "<5"', async () => {
    const res = await statistics(`municipality=${home}`);
    expect(res.status).toBe(200);
    expect(res.body.municipality).toBe(home);
    expect(res.body.cases).toEqual({ total: 9, open: 9, closed: 0 });
    const byModel = Object.fromEntries(res.body.byModel.map((m: { model: string }) => [m.model, m]));
    expect(Object.keys(byModel)).toEqual(['7-stappenmodel', 'ave', 'ondermijning-intake', 'wvggz-verkennend-onderzoek']);
    expect(byModel.ave).toEqual({
      model: 'ave',
      total: 6,
      open: 6,
      closed: 0,
      byState: [
        { state: 'ave-1', total: 5, open: 5, closed: 0 },
        { state: 'ave-3', total: '<5', open: '<5', closed: 0 },
      ],
    });
    expect(byModel['ondermijning-intake']).toEqual({
      model: 'ondermijning-intake',
      total: '<5',
      open: '<5',
      closed: 0,
      byState: [
        { state: 'ontvangst', total: '<5', open: '<5', closed: 0 },
        { state: 'weging-1', total: '<5', open: '<5', closed: 0 },
      ],
    });
    expect(byModel['7-stappenmodel']).toEqual({ model: '7-stappenmodel', total: 0, open: 0, closed: 0, byState: [] });
    expect(res.body.referrals).toEqual({
      total: '<5',
      open: '<5',
      accepted: 0,
      returned: 0,
      rejected: 0,
      byTable: [{ table: 'zvh-casusoverleg', total: '<5', open: '<5', accepted: 0, returned: 0, rejected: 0 }],
    });
    expect(res.body.pickup).toEqual({ model: 'ondermijning-intake', state: 'ontvangst', withinDeadline: '<5', afterDeadline: '<5', waiting: '<5' });
    expect(JSON.stringify(res.body)).not.toMatch(/Complexe casus/);
  });

  it('reads the pickup deadline from the case streams: one left in time, one after the 7-day term, one waiting', async () => {
    const repository = h.running.app.get(CaseStatisticsRepository, { strict: false });
    const rows = await repository.rows(home, null, null);
    const pickups = rows.filter((r) => r.model === 'ondermijning-intake').map((r) => r.pickup!);
    expect(pickups).toHaveLength(3);
    const outcomes = pickups.map(pickupOutcome).sort();
    expect(outcomes).toEqual(['afterDeadline', 'waiting', 'withinDeadline']);
    expect(rows.filter((r) => r.model === 'ave').every((r) => r.pickup === null)).toBe(true);
  });

  it('counts cases opened in the period only (Dutch calendar days); an auditor sees the same figures', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
    expect((await statistics(`municipality=${home}&from=${today}&to=${today}`)).body.cases).toEqual({ total: 9, open: 9, closed: 0 });
    const before2000 = await statistics(`municipality=${home}&to=1999-12-31`);
    expect({ cases: before2000.body.cases, referrals: before2000.body.referrals.total, from: before2000.body.from, to: before2000.body.to }).toEqual({
      cases: { total: 0, open: 0, closed: 0 },
      referrals: 0,
      from: null,
      to: '1999-12-31',
    });
    expect((await statistics(`municipality=${home}`, auditor)).body.cases).toEqual({ total: 9, open: 9, closed: 0 });
  });

  it("bad input: another municipality's figures 403, a missing municipality or a date that does not exist 400, from after to 400", async () => {
    await expectRefused(h, () => statistics(`municipality=${elsewhere}`), 403, 'AUTH.MUNICIPALITY_NOT_ALLOWED');
    await expectRefused(h, () => statistics(''), 400, 'VALIDATION.FAILED');
    await expectRefused(h, () => statistics(`municipality=${home}&from=2026-02-30`), 400, 'VALIDATION.FAILED');
    await expectRefused(h, () => statistics(`municipality=${home}&to=26-01-01`), 400, 'VALIDATION.FAILED');
    await expectRefused(h, () => statistics(`municipality=${home}&from=2026-03-01&to=2026-02-01`), 400, 'VALIDATION.PERIOD_INVALID');
  });
});
