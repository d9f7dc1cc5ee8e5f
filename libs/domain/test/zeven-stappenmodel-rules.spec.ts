import { allowedTransitions, decideCase, ZEVEN_STAPPENMODEL_MODEL as ZEVEN, type CaseState } from '../src/index.js';
import { caseIn, COORDINATOR, refusal, run, testContext, types } from './case.fixtures.js';

const take = (transition: string, extra: object = {}) => ({
  type: 'TakeTransition' as const,
  transition,
  reason: 'Besproken in het jeugdgroepenoverleg',
  actor: COORDINATOR,
  ...extra,
});

describe('7-stappenmodel', () => {
  it('walks 1 → 2A → 2B → 3 → 4 → 5 → 6 → 7 → afgesloten', () => {
    const ctx = testContext();
    let { state } = caseIn(ZEVEN, 'stap-1', ctx);
    const walk = ['naar-stap-2a', 'naar-stap-2b', 'naar-stap-3', 'naar-stap-4', 'prioriteren', 'naar-stap-6', 'naar-stap-7', 'afsluiten'];
    const visited: string[] = [];
    for (const name of walk) {
      state = run(state, take(name), ctx).state;
      visited.push(state.status === 'none' ? '' : state.currentState);
    }
    expect(visited).toEqual(['stap-2a', 'stap-2b', 'stap-3', 'stap-4', 'stap-5', 'stap-6', 'stap-7', 'afgesloten']);
    expect(state.status).toBe('closed');
  });

  it('from step 6 the coordinator may loop back to step 4 or 5, or go on to 7', () => {
    const { state } = caseIn(ZEVEN, 'stap-6', testContext());
    expect(allowedTransitions(state, 'coordinator', ZEVEN)).toEqual(['herzien-probleemdefinitie', 'herzien-plan', 'naar-stap-7']);
    const ctx = testContext();
    expect(decideCase(take('herzien-probleemdefinitie'), state, ctx)[0]).toMatchObject({ from: 'stap-6', to: 'stap-4' });
    expect(decideCase(take('herzien-plan'), state, ctx)[0]).toMatchObject({ from: 'stap-6', to: 'stap-5' });
  });

  it('after 2A the group track may stop, optionally recording individual referrals', () => {
    const ctx = testContext();
    const { state } = caseIn(ZEVEN, 'stap-2a', ctx);
    const withReferrals = decideCase(
      take('stoppen-na-2a', { fields: { individueleDoorverwijzingen: ['zorgmelding', 'persoonsgerichte-aanpak'] } }),
      state,
      ctx,
    );
    expect(withReferrals[0]).toMatchObject({ to: 'gestopt-na-2a', fields: { individueleDoorverwijzingen: ['zorgmelding', 'persoonsgerichte-aanpak'] } });
    expect(types(withReferrals)).toEqual(['CaseTransitioned', 'CaseClosed']);
    expect(decideCase(take('stoppen-na-2a'), state, ctx)[0]).toMatchObject({ to: 'gestopt-na-2a', fields: {} });
  });

  it('at step 4 partners may decide not to prioritise: the case ends as niet-geprioriteerd', () => {
    const ctx = testContext();
    const { state } = caseIn(ZEVEN, 'stap-4', ctx);
    expect(decideCase(take('niet-prioriteren'), state, ctx).at(-1)).toMatchObject({ type: 'CaseClosed', state: 'niet-geprioriteerd' });
  });

  it('the jeugdgroepenoverleg is a referral from step 2B on, not in step 1 or 2A', () => {
    const ctx = testContext();
    const refer = { type: 'ReferToTable' as const, table: 'jeugdgroepenoverleg', reason: 'Groepsscan bespreken', actor: COORDINATOR };
    for (const step of ['stap-1', 'stap-2a']) {
      expect(refusal(() => decideCase(refer, caseIn(ZEVEN, step, ctx).state, ctx)).code).toBe('CASE.REFERRAL_NOT_ALLOWED');
    }
    for (const step of ['stap-2b', 'stap-3', 'stap-4', 'stap-5', 'stap-6', 'stap-7']) {
      expect(types(decideCase(refer, caseIn(ZEVEN, step, ctx).state, ctx))).toEqual(['CaseReferred']);
    }
  });

  it('the mayor holds bestuurlijke regie throughout; the police hold operational responsibility in 2B', () => {
    const at2b = caseIn(ZEVEN, 'stap-2b', testContext()).state as Extract<CaseState, { status: 'open' }>;
    expect(at2b.responsibilities).toMatchObject({ bestuurlijkeVerantwoordelijkheid: 'burgemeester', operationeleVerantwoordelijkheid: 'politie' });
  });
});
