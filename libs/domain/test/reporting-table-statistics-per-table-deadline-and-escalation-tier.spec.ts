import fc from 'fast-check';
import {
  acceptanceOutcome,
  COORDINATOR_ALERT_REASONS,
  reportTableStatistics,
  SMALL_COUNT,
  summarizeTableStatistics,
  type EscalationStatisticsRow,
  type TableReferralStatisticsRow,
} from '../src/index.js';

/**
 * Figures of the tables and police liaisons for council reports (DOMAIN.md §7): referrals per table against the
 * deadline, escalations per tier, and the escalations that reached the coordinator by why (`alertReason`).
 */

const DUE = '2026-03-09T23:00:00.000Z';
const BEFORE = '2026-03-09T22:59:59.999Z';
const AFTER = '2026-03-12T08:00:00.000Z';
const NOW = new Date('2026-03-10T12:00:00.000Z');
const referral = (table: string, overrides: Partial<TableReferralStatisticsRow> = {}): TableReferralStatisticsRow => ({ table, status: 'open', acceptBy: DUE, decidedAt: null, ...overrides });
const escalation = (overrides: Partial<EscalationStatisticsRow> = {}): EscalationStatisticsRow => ({
  firstAckDueAt: '2026-03-09T10:15:00.000Z',
  acknowledgedAt: null,
  acknowledgedTier: null,
  alertReason: null,
  ...overrides,
});

describe('acceptanceOutcome', () => {
  it('answered before the deadline: within; at or after it: after; open: past the deadline from acceptBy on; rejected: none', () => {
    expect(acceptanceOutcome({ status: 'accepted', acceptBy: DUE, decidedAt: BEFORE }, NOW)).toBe('withinDeadline');
    expect(acceptanceOutcome({ status: 'returned', acceptBy: DUE, decidedAt: DUE }, NOW)).toBe('afterDeadline');
    expect(acceptanceOutcome({ status: 'accepted', acceptBy: DUE, decidedAt: AFTER }, NOW)).toBe('afterDeadline');
    expect(acceptanceOutcome({ status: 'open', acceptBy: DUE, decidedAt: null }, new Date(BEFORE))).toBe('openWithinDeadline');
    expect(acceptanceOutcome({ status: 'open', acceptBy: DUE, decidedAt: null }, new Date(DUE))).toBe('openPastDeadline');
    expect(acceptanceOutcome({ status: 'rejected', acceptBy: null, decidedAt: null }, NOW)).toBeNull();
  });

  it('an answered referral without its decision time is a broken row, not a figure', () => {
    expect(() => acceptanceOutcome({ status: 'accepted', acceptBy: DUE, decidedAt: null }, NOW)).toThrow(RangeError);
  });
});

describe('summarizeTableStatistics', () => {
  it('counts referrals per table by status and by answer against the deadline, and escalations by tier, first timeout and coordinator', () => {
    const stats = summarizeTableStatistics(
      [
        referral('zvh-casusoverleg', { status: 'accepted', decidedAt: BEFORE }),
        referral('zvh-casusoverleg', { status: 'returned', decidedAt: AFTER }),
        referral('zvh-casusoverleg'),
        referral('riec', { acceptBy: '2026-03-20T23:00:00.000Z' }),
        referral('riec', { status: 'rejected', acceptBy: null }),
      ],
      [
        escalation({ acknowledgedAt: '2026-03-09T10:05:00.000Z', acknowledgedTier: 'dienstdoende-liaison' }),
        escalation({ acknowledgedAt: '2026-03-09T10:40:00.000Z', acknowledgedTier: 'backup-liaison' }),
        escalation({ alertReason: 'tiers-exhausted' }),
        escalation({ alertReason: 'tiers-exhausted', acknowledgedAt: '2026-03-09T13:00:00.000Z', acknowledgedTier: 'teamchef' }),
        escalation({ firstAckDueAt: null, alertReason: 'municipality-not-served' }),
        escalation(),
      ],
      NOW,
    );
    expect(stats.referrals).toEqual({
      total: 5,
      open: 2,
      accepted: 1,
      returned: 1,
      rejected: 1,
      answeredWithinDeadline: 1,
      answeredAfterDeadline: 1,
      openPastDeadline: 1,
      byTable: [
        { table: 'riec', total: 2, open: 1, accepted: 0, returned: 0, rejected: 1, answeredWithinDeadline: 0, answeredAfterDeadline: 0, openPastDeadline: 0 },
        { table: 'zvh-casusoverleg', total: 3, open: 1, accepted: 1, returned: 1, rejected: 0, answeredWithinDeadline: 1, answeredAfterDeadline: 1, openPastDeadline: 1 },
      ],
    });
    expect(stats.escalations).toEqual({
      raised: 6,
      acknowledged: 3,
      acknowledgedByTier: [
        { tier: 'backup-liaison', acknowledged: 1 },
        { tier: 'dienstdoende-liaison', acknowledged: 1 },
      ],
      acknowledgedAfterCoordinatorAlerted: 1,
      acknowledgedWithinFirstTierTimeout: 1,
      coordinatorAlerted: 3,
      coordinatorAlertedByReason: [
        { reason: 'tiers-exhausted', coordinatorAlerted: 2 },
        { reason: 'municipality-not-served', coordinatorAlerted: 1 },
        { reason: 'municipality-no-longer-served', coordinatorAlerted: 0 },
      ],
      open: 1,
    });
  });

  it('splits the escalations that reached the coordinator by why: every tier exhausted, the politie table does not serve the municipality, or no longer serves it', () => {
    const stats = summarizeTableStatistics(
      [],
      [
        escalation({ alertReason: 'tiers-exhausted' }),
        escalation({ alertReason: 'tiers-exhausted', acknowledgedAt: '2026-03-09T13:00:00.000Z', acknowledgedTier: 'teamchef' }),
        escalation({ firstAckDueAt: null, alertReason: 'municipality-not-served' }),
        escalation({ firstAckDueAt: null, alertReason: 'municipality-not-served' }),
        escalation({ firstAckDueAt: null, alertReason: 'municipality-not-served' }),
        escalation({ alertReason: 'municipality-no-longer-served' }),
        escalation({ acknowledgedAt: '2026-03-09T10:05:00.000Z', acknowledgedTier: 'dienstdoende-liaison' }),
        escalation(),
      ],
      NOW,
    );
    expect(stats.escalations).toMatchObject({
      raised: 8,
      acknowledgedAfterCoordinatorAlerted: 1,
      coordinatorAlerted: 6,
      coordinatorAlertedByReason: [
        { reason: 'tiers-exhausted', coordinatorAlerted: 2 },
        { reason: 'municipality-not-served', coordinatorAlerted: 3 },
        { reason: 'municipality-no-longer-served', coordinatorAlerted: 1 },
      ],
      open: 1,
    });
  });

  it('nothing in the period: zeros and no tables or tiers', () => {
    expect(summarizeTableStatistics([], [], NOW)).toEqual({
      referrals: { total: 0, open: 0, accepted: 0, returned: 0, rejected: 0, answeredWithinDeadline: 0, answeredAfterDeadline: 0, openPastDeadline: 0, byTable: [] },
      escalations: {
        raised: 0,
        acknowledged: 0,
        acknowledgedByTier: [],
        acknowledgedAfterCoordinatorAlerted: 0,
        acknowledgedWithinFirstTierTimeout: 0,
        coordinatorAlerted: 0,
        coordinatorAlertedByReason: [
          { reason: 'tiers-exhausted', coordinatorAlerted: 0 },
          { reason: 'municipality-not-served', coordinatorAlerted: 0 },
          { reason: 'municipality-no-longer-served', coordinatorAlerted: 0 },
        ],
        open: 0,
      },
    });
  });
});

const instant = fc.constantFrom(BEFORE, DUE, AFTER);
const referralRows = fc.array(
  fc.oneof(
    fc.record({ table: fc.constantFrom('riec', 'zvh-casusoverleg'), status: fc.constant('open' as const), acceptBy: fc.constant(DUE), decidedAt: fc.constant(null) }),
    fc.record({ table: fc.constantFrom('riec', 'zvh-casusoverleg'), status: fc.constantFrom('accepted' as const, 'returned' as const), acceptBy: fc.constant(DUE), decidedAt: instant }),
    fc.record({ table: fc.constantFrom('riec', 'zvh-casusoverleg'), status: fc.constant('rejected' as const), acceptBy: fc.constant(null), decidedAt: fc.constant(null) }),
  ),
  { maxLength: 30 },
);
const escalationRows = fc.array(
  fc.record({
    firstAckDueAt: fc.option(fc.constant(DUE), { nil: null }),
    acknowledgedAt: fc.option(instant, { nil: null }),
    acknowledgedTier: fc.option(fc.constantFrom('dienstdoende-liaison', 'backup-liaison', 'teamchef'), { nil: null }),
    alertReason: fc.option(fc.constantFrom(...COORDINATOR_ALERT_REASONS), { nil: null }),
  }),
  { maxLength: 30 },
);

describe('summarizeTableStatistics properties', () => {
  it('statuses add up per table and overall; answers against the deadline add up to the answered ones; escalations end one way each, with the coordinator for one reason each', () => {
    fc.assert(
      fc.property(referralRows, escalationRows, fc.constantFrom(new Date(BEFORE), new Date(AFTER)), (referrals, escalations, now) => {
        const stats = summarizeTableStatistics(referrals, escalations, now);
        for (const c of [stats.referrals, ...stats.referrals.byTable]) {
          expect(c.open + c.accepted + c.returned + c.rejected).toBe(c.total);
          expect(c.answeredWithinDeadline + c.answeredAfterDeadline).toBe(c.accepted + c.returned);
          expect(c.openPastDeadline).toBeLessThanOrEqual(c.open);
        }
        expect(stats.referrals.byTable.reduce((n, t) => n + t.total, 0)).toBe(referrals.length);
        const e = stats.escalations;
        expect(e.raised).toBe(escalations.length);
        expect(e.acknowledged + e.open + e.coordinatorAlerted - e.acknowledgedAfterCoordinatorAlerted).toBe(e.raised);
        expect(e.acknowledgedByTier.reduce((n, t) => n + t.acknowledged, 0) + e.acknowledgedAfterCoordinatorAlerted).toBeLessThanOrEqual(e.acknowledged);
        expect(e.acknowledgedWithinFirstTierTimeout).toBeLessThanOrEqual(e.acknowledged);
        expect(e.coordinatorAlertedByReason.map((r) => r.reason)).toEqual([...COORDINATOR_ALERT_REASONS]);
        expect(e.coordinatorAlertedByReason.reduce((n, r) => n + r.coordinatorAlerted, 0)).toBe(e.coordinatorAlerted);
      }),
    );
  });
});

describe('reportTableStatistics', () => {
  it('reports each reason for alerting the coordinator with the small-number protection, every reason listed, 0 as 0', () => {
    const rows = [
      ...Array.from({ length: 6 }, () => escalation({ alertReason: 'tiers-exhausted' })),
      escalation({ firstAckDueAt: null, alertReason: 'municipality-not-served' }),
      escalation({ firstAckDueAt: null, alertReason: 'municipality-not-served' }),
    ];
    expect(reportTableStatistics([], rows, NOW).escalations).toMatchObject({
      coordinatorAlerted: 8,
      coordinatorAlertedByReason: [
        { reason: 'tiers-exhausted', coordinatorAlerted: 6 },
        { reason: 'municipality-not-served', coordinatorAlerted: SMALL_COUNT },
        { reason: 'municipality-no-longer-served', coordinatorAlerted: 0 },
      ],
    });
  });

  it('property: no number from 1 to 4 appears anywhere in a report, and every exact count of 1 to 4 is "<5" in its place', () => {
    const leaves = (value: unknown, path = ''): [string, unknown][] =>
      value && typeof value === 'object' ? Object.entries(value).flatMap(([k, v]) => leaves(v, `${path}/${k}`)) : [[path, value]];
    fc.assert(
      fc.property(referralRows, escalationRows, (referrals, escalations) => {
        const exact = new Map(leaves(summarizeTableStatistics(referrals, escalations, NOW)));
        const reported = leaves(reportTableStatistics(referrals, escalations, NOW));
        expect(reported.map(([path]) => path)).toEqual([...exact.keys()]);
        for (const [path, value] of reported) {
          const count = exact.get(path);
          if (typeof count !== 'number') expect(value).toBe(count);
          else if (count >= 1 && count <= 4) expect(value).toBe(SMALL_COUNT);
          else expect(value).toBe(count);
        }
      }),
    );
  });
});
