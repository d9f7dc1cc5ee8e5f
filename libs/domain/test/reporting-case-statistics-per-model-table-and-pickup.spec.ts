import fc from 'fast-check';
import { BUILT_IN_MODELS, pickupOutcome, reportCaseStatistics, SMALL_COUNT, summarizeCaseStatistics, type CaseStatisticsRow } from '../src/index.js';

/** Case figures for council reports (DOMAIN.md §7): per model and state, referrals per table, pickup against the deadline. */

const DUE = '2026-03-09T23:00:00.000Z';
const row = (model: string, currentState: string, overrides: Partial<CaseStatisticsRow> = {}): CaseStatisticsRow => ({
  model,
  currentState,
  status: 'open',
  referrals: [],
  pickup: null,
  ...overrides,
});

describe('pickupOutcome', () => {
  it('left before the due instant: within; at or after it: after; not left: waiting', () => {
    expect(pickupOutcome({ dueAt: DUE, leftAt: '2026-03-09T22:59:59.999Z' })).toBe('withinDeadline');
    expect(pickupOutcome({ dueAt: DUE, leftAt: DUE })).toBe('afterDeadline');
    expect(pickupOutcome({ dueAt: DUE, leftAt: '2026-03-12T08:00:00.000Z' })).toBe('afterDeadline');
    expect(pickupOutcome({ dueAt: DUE, leftAt: null })).toBe('waiting');
  });
});

describe('summarizeCaseStatistics', () => {
  it('counts AVE cases per phase, youth groups per step, referrals per table by answer, and pickup of undermining intakes', () => {
    const stats = summarizeCaseStatistics([
      row('ave', 'ave-2'),
      row('ave', 'ave-3', { referrals: [{ table: 'zvh-casusoverleg', outcome: 'accepted' }, { table: 'zvh-casusoverleg' }, { table: 'zvh-casusoverleg', outcome: 'rejected' }] }),
      row('ave', 'afgesloten', { status: 'closed' }),
      row('7-stappenmodel', 'stap-2'),
      row('ondermijning-intake', 'ontvangst', { pickup: { dueAt: DUE, leftAt: null } }),
      row('ondermijning-intake', 'riec', { referrals: [{ table: 'riec', outcome: 'returned' }], pickup: { dueAt: DUE, leftAt: '2026-03-02T10:00:00.000Z' } }),
      row('ondermijning-intake', 'weging-1', { pickup: { dueAt: DUE, leftAt: '2026-03-10T10:00:00.000Z' } }),
    ]);
    expect(stats.cases).toEqual({ total: 7, open: 6, closed: 1 });
    expect(stats.byModel.map((m) => m.model)).toEqual(BUILT_IN_MODELS.map((m) => m.id).sort());
    expect(stats.byModel.find((m) => m.model === 'ave')).toEqual({
      model: 'ave',
      total: 3,
      open: 2,
      closed: 1,
      byState: [
        { state: 'afgesloten', total: 1, open: 0, closed: 1 },
        { state: 'ave-2', total: 1, open: 1, closed: 0 },
        { state: 'ave-3', total: 1, open: 1, closed: 0 },
      ],
    });
    expect(stats.byModel.find((m) => m.model === 'wvggz-verkennend-onderzoek')).toEqual({ model: 'wvggz-verkennend-onderzoek', total: 0, open: 0, closed: 0, byState: [] });
    // A rejected referral never reached the table: neither open nor answered by it.
    expect(stats.referrals).toEqual({
      total: 4,
      open: 1,
      accepted: 1,
      returned: 1,
      rejected: 1,
      byTable: [
        { table: 'riec', total: 1, open: 0, accepted: 0, returned: 1, rejected: 0 },
        { table: 'zvh-casusoverleg', total: 3, open: 1, accepted: 1, returned: 0, rejected: 1 },
      ],
    });
    expect(stats.pickup).toEqual({ model: 'ondermijning-intake', state: 'ontvangst', withinDeadline: 1, afterDeadline: 1, waiting: 1 });
  });

  it('a model that is not built in is listed after the built-in ones', () => {
    expect(summarizeCaseStatistics([row('eigen-model', 'start')]).byModel.at(-1)).toEqual({ model: 'eigen-model', total: 1, open: 1, closed: 0, byState: [{ state: 'start', total: 1, open: 1, closed: 0 }] });
  });

  it('properties: per-model and per-state counts add up to the total; open + closed = total; pickup counts only undermining intakes with a deadline', () => {
    const rows = fc.array(
      fc.record({
        model: fc.constantFrom('ave', '7-stappenmodel', 'ondermijning-intake', 'eigen-model'),
        currentState: fc.constantFrom('a', 'b', 'c'),
        status: fc.constantFrom('open' as const, 'closed' as const),
        referrals: fc.array(fc.record({ table: fc.constantFrom('riec', 'zvh-casusoverleg'), outcome: fc.constantFrom('accepted' as const, 'returned' as const, 'rejected' as const) }, { requiredKeys: ['table'] }), { maxLength: 3 }),
        pickup: fc.option(fc.record({ dueAt: fc.constant(DUE), leftAt: fc.option(fc.constant('2026-03-05T10:00:00.000Z'), { nil: null }) }), { nil: null }),
      }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(rows, (list) => {
        const stats = summarizeCaseStatistics(list);
        expect(stats.cases.total).toBe(list.length);
        expect(stats.cases.open + stats.cases.closed).toBe(stats.cases.total);
        expect(stats.byModel.reduce((n, m) => n + m.total, 0)).toBe(list.length);
        for (const m of stats.byModel) expect(m.byState.reduce((n, s) => n + s.total, 0)).toBe(m.total);
        expect(stats.referrals.byTable.reduce((n, t) => n + t.total, 0)).toBe(stats.referrals.total);
        expect(stats.referrals.open + stats.referrals.accepted + stats.referrals.returned + stats.referrals.rejected).toBe(stats.referrals.total);
        expect(stats.referrals.rejected).toBe(list.flatMap((r) => r.referrals).filter((r) => r.outcome === 'rejected').length);
        const { withinDeadline, afterDeadline, waiting } = stats.pickup;
        expect(withinDeadline + afterDeadline + waiting).toBe(list.filter((r) => r.model === 'ondermijning-intake' && r.pickup !== null).length);
      }),
    );
  });
});

describe('reportCaseStatistics', () => {
  it('two AVE cases: every count of 1 to 4 shows as "<5", zeros and 5 or more as numbers', () => {
    const report = reportCaseStatistics([...Array.from({ length: 5 }, () => row('ave', 'ave-1')), row('ave', 'ave-2', { status: 'closed' })]);
    expect(report.cases).toEqual({ total: 6, open: 5, closed: SMALL_COUNT });
    expect(report.byModel.find((m) => m.model === 'ave')!.byState).toEqual([
      { state: 'ave-1', total: 5, open: 5, closed: 0 },
      { state: 'ave-2', total: SMALL_COUNT, open: 0, closed: SMALL_COUNT },
    ]);
    expect(report.pickup).toEqual({ model: 'ondermijning-intake', state: 'ontvangst', withinDeadline: 0, afterDeadline: 0, waiting: 0 });
  });

  it('property: no number from 1 to 4 appears anywhere in a report, and every exact count of 1 to 4 is "<5" in its place', () => {
    const rows = fc.array(
      fc.record({
        model: fc.constantFrom('ave', '7-stappenmodel', 'ondermijning-intake'),
        currentState: fc.constantFrom('a', 'b'),
        status: fc.constantFrom('open' as const, 'closed' as const),
        referrals: fc.array(fc.record({ table: fc.constantFrom('riec'), outcome: fc.constantFrom('accepted' as const, 'returned' as const) }), { maxLength: 2 }),
        pickup: fc.option(fc.record({ dueAt: fc.constant(DUE), leftAt: fc.option(fc.constant('2026-03-12T10:00:00.000Z'), { nil: null }) }), { nil: null }),
      }),
      { maxLength: 30 },
    );
    const leaves = (value: unknown, path = ''): [string, unknown][] =>
      value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => leaves(v, `${path}/${k}`)) : [[path, value]];
    fc.assert(
      fc.property(rows, (list) => {
        const exact = new Map(leaves(summarizeCaseStatistics(list)));
        for (const [path, value] of leaves(reportCaseStatistics(list))) {
          const count = exact.get(path);
          if (typeof count !== 'number') expect(value).toBe(count);
          else if (count >= 1 && count <= 4) expect(value).toBe(SMALL_COUNT);
          else expect(value).toBe(count);
        }
      }),
    );
  });
});
