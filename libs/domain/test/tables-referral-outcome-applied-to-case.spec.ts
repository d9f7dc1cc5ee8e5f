import { describe, expect, it } from '@jest/globals';
import {
  AVE_MODEL,
  BUILT_IN_TABLES_CONFIG,
  decideCase,
  ONDERMIJNING_INTAKE_MODEL,
  tableDirectoryOf,
  type ApplyReferralOutcomeCommand,
  type CaseCommand,
  type CaseReferred,
  type CaseState,
} from '../src/index.js';
import { caseIn, COORDINATOR, refusal, run, SYSTEM, TABLE_MEMBER, testContext, types } from './case.fixtures.js';

const ZVH_MEMBER = { id: 'zvh-member-1', role: 'table-member' as const };

/** An AVE case in AVE 3, referred to the ZVH casusoverleg. */
function referredAve3() {
  const ctx = testContext();
  const { state } = caseIn(AVE_MODEL, 'ave-3', ctx);
  const referred = run(state, { type: 'ReferToTable', table: 'zvh-casusoverleg', reason: 'Meerdere leefgebieden', actor: COORDINATOR }, ctx);
  const referralId = (referred.events[0] as CaseReferred).referralId;
  return { ctx, state: referred.state, referralId };
}

const outcome = (referralId: string, o: Partial<ApplyReferralOutcomeCommand>): CaseCommand => ({
  type: 'ApplyReferralOutcome',
  referralId,
  outcome: 'accepted',
  decidedBy: ZVH_MEMBER,
  actor: SYSTEM,
  ...o,
});

describe('ApplyReferralOutcome: acceptance hands the responsibilities the table takes over to it', () => {
  it('given procesregie was handed to the municipality, when the ZVH accepts, then procesregie moves to the ZVH', () => {
    const { ctx, state: referred, referralId } = referredAve3();
    const handed = run(referred, { type: 'HandOverRegie', responsibility: 'procesregie', holder: 'procesregisseur', reason: 'Eerst zelf', actor: COORDINATOR }, ctx).state;

    const accepted = run(handed, outcome(referralId, { responsibilities: { procesregie: 'zvh' } }), ctx);

    expect(types(accepted.events)).toEqual(['CaseReferralAccepted', 'RegieHandedOver']);
    expect(accepted.events[0]).toEqual({
      type: 'CaseReferralAccepted',
      caseId: 'case-1',
      referralId,
      table: 'zvh-casusoverleg',
      responsibilities: { procesregie: 'zvh' },
      decidedBy: ZVH_MEMBER,
      actor: SYSTEM,
      at: ctx.now.toISOString(),
    });
    expect(accepted.events[1]).toMatchObject({ type: 'RegieHandedOver', responsibility: 'procesregie', from: 'procesregisseur', to: 'zvh', actor: SYSTEM });
    const after = accepted.state as Extract<CaseState, { status: 'open' }>;
    expect(after.responsibilities.procesregie).toBe('zvh');
    expect(after.referrals.find((r) => r.referralId === referralId)?.outcome).toBe('accepted');
  });

  it('records the acceptance without a handover for a holder already in place', () => {
    const { ctx, state, referralId } = referredAve3(); // AVE 3 names the procesregisseur for casusregie
    expect(types(decideCase(outcome(referralId, { responsibilities: { casusregie: 'procesregisseur' } }), state, ctx))).toEqual(['CaseReferralAccepted']);
  });

  it('hands over every responsibility named, each with its own event', () => {
    const { ctx, state, referralId } = referredAve3();
    const events = decideCase(outcome(referralId, { responsibilities: { casusregie: 'zvh', operationeleVerantwoordelijkheid: 'zvh' } }), state, ctx);
    expect(types(events)).toEqual(['CaseReferralAccepted', 'RegieHandedOver', 'RegieHandedOver']);
    expect(events.slice(1).map((e) => (e as { responsibility: string }).responsibility)).toEqual(['casusregie', 'operationeleVerantwoordelijkheid']);
  });

  it('does nothing when the same acceptance is applied again (redelivery)', () => {
    const { ctx, state, referralId } = referredAve3();
    const once = run(state, outcome(referralId, { responsibilities: { procesregie: 'zvh' } }), ctx);
    expect(decideCase(outcome(referralId, { responsibilities: { procesregie: 'zvh' } }), once.state, ctx)).toEqual([]);
  });
});

describe('ApplyReferralOutcome: a returned referral lets the case be referred again', () => {
  it('given a referral was made, a second one in the same stay does nothing; once returned, it can be made again', () => {
    const { ctx, state, referralId } = referredAve3();
    const refer: CaseCommand = { type: 'ReferToTable', table: 'zvh-casusoverleg', reason: 'Opnieuw', actor: COORDINATOR };
    expect(decideCase(refer, state, ctx)).toEqual([]);

    const returned = run(state, outcome(referralId, { outcome: 'returned', reason: 'Past niet bij de criteria' }), ctx);
    expect(returned.events).toEqual([
      { type: 'CaseReferralReturned', caseId: 'case-1', referralId, table: 'zvh-casusoverleg', reason: 'Past niet bij de criteria', decidedBy: ZVH_MEMBER, actor: SYSTEM, at: ctx.now.toISOString() },
    ]);
    expect(types(decideCase(refer, returned.state, ctx))).toEqual(['CaseReferred']);
  });

  it('a referral the tables app rejected (it never reached the table) is recorded as rejected, not returned, and can be made again', () => {
    const { ctx, state, referralId } = referredAve3();
    const rejected = run(state, outcome(referralId, { outcome: 'rejected', reason: 'Tafel bedient deze gemeente niet', decidedBy: SYSTEM }), ctx);
    expect(rejected.events).toEqual([
      { type: 'CaseReferralReturned', caseId: 'case-1', referralId, table: 'zvh-casusoverleg', reason: 'Tafel bedient deze gemeente niet', rejected: true, decidedBy: SYSTEM, actor: SYSTEM, at: ctx.now.toISOString() },
    ]);
    const after = rejected.state as Extract<CaseState, { status: 'open' }>;
    expect(after.referrals.find((r) => r.referralId === referralId)?.outcome).toBe('rejected');
    // Redelivered: nothing new.
    expect(decideCase(outcome(referralId, { outcome: 'rejected', reason: 'Tafel bedient deze gemeente niet', decidedBy: SYSTEM }), rejected.state, ctx)).toEqual([]);
    expect(types(decideCase({ type: 'ReferToTable', table: 'zvh-casusoverleg', reason: 'Opnieuw', actor: COORDINATOR }, rejected.state, ctx))).toEqual(['CaseReferred']);
  });

  it('a rejection delivered again after it was recorded as a return (before rejections had their own outcome) changes nothing', () => {
    const { ctx, state, referralId } = referredAve3();
    const recordedAsReturn = run(state, outcome(referralId, { outcome: 'returned', reason: 'Tafel bedient deze gemeente niet', decidedBy: SYSTEM }), ctx).state;
    expect(decideCase(outcome(referralId, { outcome: 'rejected', reason: 'Tafel bedient deze gemeente niet', decidedBy: SYSTEM }), recordedAsReturn, ctx)).toEqual([]);
  });

  it('does not change who holds regie', () => {
    const { ctx, state, referralId } = referredAve3();
    const returned = run(state, outcome(referralId, { outcome: 'returned', reason: 'Geen capaciteit' }), ctx).state as Extract<CaseState, { status: 'open' }>;
    expect(returned.responsibilities).toEqual((state as Extract<CaseState, { status: 'open' }>).responsibilities);
  });
});

describe('ApplyReferralOutcome refuses with exact codes', () => {
  it.each<[string, (id: string) => Partial<ApplyReferralOutcomeCommand>, string]>([
    ['an unknown referral', () => ({ referralId: 'no-such-referral' }), 'CASE.REFERRAL_NOT_FOUND'],
    ['a return without a reason', () => ({ outcome: 'returned', reason: '  ' }), 'CASE.REASON_REQUIRED'],
    ['an unknown outcome', () => ({ outcome: 'maybe' as never }), 'CASE.FIELD_INVALID'],
    ['an unknown responsibility', () => ({ responsibilities: { regie: 'zvh' } as never }), 'CASE.FIELD_INVALID'],
    ['a blank holder', () => ({ responsibilities: { procesregie: '' } }), 'CASE.FIELD_REQUIRED'],
    ['an unknown role for who decided', () => ({ decidedBy: { id: 'x', role: 'burgemeester' as never } }), 'CASE.FIELD_INVALID'],
  ])('%s', (_name, change, code) => {
    const { ctx, state, referralId } = referredAve3();
    expect(refusal(() => decideCase(outcome(referralId, change(referralId)), state, ctx)).code).toBe(code);
  });

  it('the other decision after the table decided: CASE.REFERRAL_ALREADY_DECIDED', () => {
    const { ctx, state, referralId } = referredAve3();
    const accepted = run(state, outcome(referralId, {}), ctx).state;
    const error = refusal(() => decideCase(outcome(referralId, { outcome: 'returned', reason: 'Toch niet' }), accepted, ctx));
    expect(error.code).toBe('CASE.REFERRAL_ALREADY_DECIDED');
    expect(error.details).toEqual({ referralId, outcome: 'accepted' });
  });

  it('a case closed before the table answered: the answer is recorded (the referral is no longer open) and nobody takes over anything', () => {
    const { ctx, state, referralId } = referredAve3();
    const closed = run(state, { type: 'TakeTransition', transition: 'afsluiten', reason: 'Klaar', actor: COORDINATOR }, ctx).state;
    const answered = run(closed, outcome(referralId, { responsibilities: { procesregie: 'zvh' } }), ctx);
    expect(types(answered.events)).toEqual(['CaseReferralAccepted']);
    const after = answered.state as Extract<CaseState, { status: 'closed' }>;
    expect(after.status).toBe('closed');
    expect(after.referrals.find((r) => r.referralId === referralId)?.outcome).toBe('accepted');
    expect(after.responsibilities).toEqual((closed as Extract<CaseState, { status: 'closed' }>).responsibilities);
    expect(decideCase(outcome(referralId, { responsibilities: { procesregie: 'zvh' } }), answered.state, ctx)).toEqual([]);
  });
});

describe('ReferToTable checks the table directory when the context has one', () => {
  const tables = tableDirectoryOf(BUILT_IN_TABLES_CONFIG);

  it('refuses a table that does not serve the case municipality: CASE.TABLE_NOT_SERVING_MUNICIPALITY', () => {
    const ctx = { ...testContext(), tables };
    const { state } = caseIn(ONDERMIJNING_INTAKE_MODEL, 'riec', ctx, { municipality: 'GM0363' }); // Amsterdam
    const error = refusal(() => decideCase({ type: 'ReferToTable', table: 'riec', reason: 'Ondermijning', actor: COORDINATOR }, state, ctx));
    expect(error.code).toBe('CASE.TABLE_NOT_SERVING_MUNICIPALITY');
    expect(error.details).toEqual({ table: 'riec', municipality: 'GM0363' });
  });

  it('refuses a table the directory does not know: CASE.TABLE_UNKNOWN', () => {
    const ctx = { ...testContext(), tables: () => null };
    const { state } = caseIn(ONDERMIJNING_INTAKE_MODEL, 'riec', ctx);
    expect(refusal(() => decideCase({ type: 'ReferToTable', table: 'riec', reason: 'x', actor: COORDINATOR }, state, ctx)).code).toBe('CASE.TABLE_UNKNOWN');
  });

  it('still checks the model state first: CASE.REFERRAL_NOT_ALLOWED', () => {
    const ctx = { ...testContext(), tables };
    const { state } = caseIn(AVE_MODEL, 'ave-2', ctx);
    expect(refusal(() => decideCase({ type: 'ReferToTable', table: 'zvh-casusoverleg', reason: 'x', actor: TABLE_MEMBER }, state, ctx)).code).toBe('CASE.REFERRAL_NOT_ALLOWED');
  });

  it('refers a Twente case to the RIEC', () => {
    const ctx = { ...testContext(), tables };
    const { state } = caseIn(ONDERMIJNING_INTAKE_MODEL, 'riec', ctx, { municipality: 'GM0164' });
    expect(types(decideCase({ type: 'ReferToTable', table: 'riec', reason: 'Ondermijning', actor: COORDINATOR }, state, ctx))).toEqual(['CaseReferred']);
  });
});
