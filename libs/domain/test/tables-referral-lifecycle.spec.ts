import { describe, expect, it } from '@jest/globals';
import {
  BUILT_IN_TABLES_CONFIG,
  decideReferral,
  dueReferralStep,
  referralDeliverability,
  referralTimes,
  tableMemberMayAct,
  type ReferralLifecycle,
} from '../src/index.js';

const table = (id: string) => BUILT_IN_TABLES_CONFIG.tables.find((t) => t.id === id)!;

describe('whether a referral can be delivered', () => {
  it('to a table serving the municipality whose profile covers the case type: with the profile fields', () => {
    const d = referralDeliverability(BUILT_IN_TABLES_CONFIG, 'riec', 'GM0153', 'ondermijning-intake');
    expect(d.ok && d.allowed).toEqual(expect.arrayContaining(['theme', 'description']));
  });
  it.each([
    ['geen-tafel', 'GM0153', 'ave', 'table-unknown'],
    ['riec', 'GM0363', 'ondermijning-intake', 'municipality-not-served'],
    ['riec', 'GM0153', 'ave', 'no-sharing-profile'],
  ])('not to %s for %s (%s): %s', (tableId, municipality, caseType, reason) => {
    expect(referralDeliverability(BUILT_IN_TABLES_CONFIG, tableId, municipality, caseType)).toMatchObject({ ok: false, reason });
  });
});

describe('acceptance deadline and reminder', () => {
  it('the ZVH has 5 working days, with a reminder a working day before', () => {
    // Monday 2 June 2025 12:00 Amsterdam; 9 June is Whit Monday, so 5 working days end on Tuesday 10 June.
    const t = referralTimes(table('zvh-casusoverleg'), new Date('2025-06-02T10:00:00.000Z'));
    expect(t).toEqual({ acceptBy: '2025-06-10T22:00:00.000Z', remindAt: '2025-06-09T22:00:00.000Z' });
  });
  it('the police has 24 hours, with a reminder 4 hours before', () => {
    expect(referralTimes(table('politie'), new Date('2025-06-02T10:00:00.000Z'))).toEqual({ acceptBy: '2025-06-03T10:00:00.000Z', remindAt: '2025-06-03T06:00:00.000Z' });
  });
});

describe('the timer of an open referral', () => {
  const open: ReferralLifecycle = { referralId: 'r', status: 'open', acceptBy: '2025-06-10T22:00:00.000Z', remindAt: '2025-06-09T22:00:00.000Z', remindedAt: null, overdueAt: null };
  it('nothing before the reminder', () => expect(dueReferralStep(open, new Date('2025-06-09T21:59:59.999Z'))).toBeNull());
  it('a reminder once its time came', () => expect(dueReferralStep(open, new Date('2025-06-09T22:00:00.000Z'))).toBe('reminder'));
  it('not twice', () => expect(dueReferralStep({ ...open, remindedAt: '2025-06-09T22:00:00.000Z' }, new Date('2025-06-10T10:00:00.000Z'))).toBeNull());
  it('overdue at the deadline, skipping a reminder never sent', () => expect(dueReferralStep(open, new Date('2025-06-11T00:00:00.000Z'))).toBe('overdue'));
  it('overdue once', () => expect(dueReferralStep({ ...open, overdueAt: '2025-06-10T22:00:00.000Z' }, new Date('2025-06-12T00:00:00.000Z'))).toBeNull());
  it('nothing once the table decided', () => expect(dueReferralStep({ ...open, status: 'accepted' }, new Date('2025-06-12T00:00:00.000Z'))).toBeNull());
});

describe('a table member decides', () => {
  const open: ReferralLifecycle = { referralId: 'r', status: 'open', acceptBy: null, remindAt: null, remindedAt: null, overdueAt: null };
  it('accepting an open referral is recorded', () => expect(decideReferral(open, { outcome: 'accepted' })).toBe(true));
  it('accepting again records nothing', () => expect(decideReferral({ ...open, status: 'accepted' }, { outcome: 'accepted' })).toBe(false));
  it('returning an accepted referral: REFERRAL.ALREADY_DECIDED', () =>
    expect(() => decideReferral({ ...open, status: 'accepted' }, { outcome: 'returned', reason: 'x' })).toThrow(expect.objectContaining({ code: 'REFERRAL.ALREADY_DECIDED' })));
  it('deciding on a rejected referral: REFERRAL.ALREADY_DECIDED', () =>
    expect(() => decideReferral({ ...open, status: 'rejected' }, { outcome: 'accepted' })).toThrow(expect.objectContaining({ code: 'REFERRAL.ALREADY_DECIDED' })));
  it('returning without a reason: REFERRAL.REASON_REQUIRED', () =>
    expect(() => decideReferral(open, { outcome: 'returned', reason: ' ' })).toThrow(expect.objectContaining({ code: 'REFERRAL.REASON_REQUIRED' })));
});

describe('who may act on a referral', () => {
  const member = { tables: ['riec'], municipalities: ['GM0153'] };
  it('a member of its table in its municipality', () => expect(tableMemberMayAct(member, { table: 'riec', municipality: 'GM0153' })).toBe(true));
  it('not a member of another table', () => expect(tableMemberMayAct(member, { table: 'zvh-jor', municipality: 'GM0153' })).toBe(false));
  it('not for another municipality', () => expect(tableMemberMayAct(member, { table: 'riec', municipality: 'GM0164' })).toBe(false));
});
