import { decideCase, evolveCase, NO_CASE, ONDERMIJNING_INTAKE_MODEL as INTAKE, type CaseReferred } from '../src/index.js';
import { caseIn, COORDINATOR, openCommand, refusal, run, SYSTEM, TABLE_MEMBER, testContext, types } from './case.fixtures.js';

const take = (transition: string, extra: object = {}) => ({
  type: 'TakeTransition' as const,
  transition,
  reason: 'Weging vastgelegd in het dossier',
  actor: COORDINATOR,
  ...extra,
});

describe('ondermijning-intake: pickup within 7 days of receipt', () => {
  it('opening the case starts the 7-day pickup term from when the signal was received', () => {
    const ctx = testContext();
    const events = decideCase(openCommand(INTAKE, { signalReceivedAt: '2025-05-31T23:30:00+02:00' }), NO_CASE, ctx);
    expect(types(events)).toEqual(['CaseOpened', 'DeadlineOpened']);
    // Received on Saturday 31 May (Amsterdam): due by the end of Saturday 7 June.
    expect(events[1]).toMatchObject({
      definitionId: 'oppakken',
      state: 'ontvangst',
      startedAt: '2025-05-31T21:30:00.000Z',
      dueAt: '2025-06-07T22:00:00.000Z',
      approachingAt: '2025-06-05T22:00:00.000Z',
    });
  });

  it('starting the weighing closes the pickup term', () => {
    const ctx = testContext();
    const { state } = caseIn(INTAKE, 'ontvangst', ctx);
    const events = decideCase(take('start-weging'), state, ctx);
    expect(types(events)).toEqual(['CaseTransitioned', 'DeadlineClosed']);
    expect(events[1]).toMatchObject({ reason: 'state-left', definitionId: 'oppakken' });
  });
});

describe('ondermijning-intake: decisions after weging 3', () => {
  it('geen actie closes the case with retention class "one year encrypted, then destroyed"', () => {
    const ctx = testContext();
    const { state } = caseIn(INTAKE, 'weging-3', ctx);
    const events = decideCase(take('besluit-geen-actie'), state, ctx);
    expect(events.at(-1)).toEqual({
      type: 'CaseClosed',
      caseId: 'case-1',
      state: 'geen-actie',
      retentionClass: 'een-jaar-versleuteld-dan-vernietigen',
      at: ctx.now.toISOString(),
    });
    const closed = events.reduce(evolveCase, state);
    expect(closed).toMatchObject({ status: 'closed', retentionClass: 'een-jaar-versleuteld-dan-vernietigen', deadlines: [] });
    expect(refusal(() => decideCase({ type: 'AddSignal', signalId: 'sig-2', actor: COORDINATOR }, closed, ctx)).code).toBe('CASE.CLOSED');
  });

  it('to the RIEC: procesregie passes to the RIEC and only the RIEC table may be referred to', () => {
    const ctx = testContext();
    let { state } = caseIn(INTAKE, 'weging-3', ctx);
    const moved = run(state, take('besluit-riec'), ctx);
    expect(moved.events[0]).toMatchObject({
      to: 'riec',
      responsibilities: { casusregie: 'procescoordinator', procesregie: 'riec' },
    });
    state = moved.state;
    expect(types(decideCase({ type: 'ReferToTable', table: 'riec', reason: 'Buiten eigen vermogen', actor: COORDINATOR }, state, ctx))).toEqual([
      'CaseReferred',
    ]);
    expect(
      refusal(() => decideCase({ type: 'ReferToTable', table: 'zvh-casusoverleg', reason: 'x', actor: COORDINATOR }, state, ctx)).code,
    ).toBe('CASE.REFERRAL_NOT_ALLOWED');
  });

  it('the RIEC (a table member, through the referral it accepted) may hand the case back to weging 3', () => {
    const ctx = testContext();
    const referred = run(caseIn(INTAKE, 'riec', ctx).state, { type: 'ReferToTable', table: 'riec', reason: 'Boven de eigen mogelijkheden', actor: COORDINATOR }, ctx);
    const referralId = (referred.events[0] as CaseReferred).referralId;
    const state = run(referred.state, { type: 'ApplyReferralOutcome', referralId, outcome: 'accepted', decidedBy: TABLE_MEMBER, responsibilities: {}, actor: SYSTEM }, ctx).state;
    const [moved] = decideCase(take('retour-van-riec', { actor: TABLE_MEMBER, referralId }), state, ctx);
    expect(moved).toMatchObject({ from: 'riec', to: 'weging-3', actor: TABLE_MEMBER });
  });

  it('to a municipal department requires naming the department', () => {
    const ctx = testContext();
    const { state } = caseIn(INTAKE, 'weging-3', ctx);
    const error = refusal(() => decideCase(take('besluit-gemeentelijke-afdeling'), state, ctx));
    expect(error.code).toBe('CASE.FIELD_REQUIRED');
    expect(error.details).toEqual({ transition: 'besluit-gemeentelijke-afdeling', field: 'afdeling' });
    const [moved] = decideCase(take('besluit-gemeentelijke-afdeling', { fields: { afdeling: 'vergunningen' } }), state, ctx);
    expect(moved).toMatchObject({ fields: { afdeling: 'vergunningen' }, responsibilities: { casusregie: 'gemeentelijke-afdeling' } });
  });

  it('further analysis goes back to weging 3', () => {
    const ctx = testContext();
    let { state } = caseIn(INTAKE, 'weging-3', ctx);
    state = run(state, take('besluit-vervolganalyse'), ctx).state;
    state = run(state, take('terug-naar-weging-3'), ctx).state;
    expect(state.status === 'open' && state.currentState).toBe('weging-3');
  });

  it('not undermining (weging 1) and no municipal task (weging 2) leave the model, the latter naming where to', () => {
    const ctx = testContext();
    const w1 = caseIn(INTAKE, 'weging-1', ctx).state;
    expect(types(decideCase(take('niet-ondermijnend'), w1, ctx))).toEqual(['CaseTransitioned', 'CaseClosed']);
    const w2 = caseIn(INTAKE, 'weging-2', ctx).state;
    expect(refusal(() => decideCase(take('geen-gemeentelijke-taak'), w2, ctx)).code).toBe('CASE.FIELD_REQUIRED');
    const events = decideCase(take('geen-gemeentelijke-taak', { fields: { doorverwezenNaar: 'belastingdienst' } }), w2, ctx);
    expect(events.at(-1)).toMatchObject({ type: 'CaseClosed', state: 'geen-gemeentelijke-taak', retentionClass: null });
  });
});
