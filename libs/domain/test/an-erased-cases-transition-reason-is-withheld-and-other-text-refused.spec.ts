import { AVE_MODEL, decideCase, withholdErasedCaseText, type CaseCommand, type TakeTransitionCommand } from '../src/index.js';
import { caseIn, COORDINATOR, refusal, run, testContext, types } from './case.fixtures.js';

const closing: TakeTransitionCommand = { type: 'TakeTransition', transition: 'afsluiten', reason: 'Betrokkene verhuisd', actor: COORDINATOR };

describe('a case whose personal data was erased: a transition reason is withheld, other text is refused', () => {
  it('a transition goes ahead without its reason, marked as withheld', () => {
    expect(withholdErasedCaseText(closing)).toEqual({ type: 'TakeTransition', transition: 'afsluiten', reasonWithheld: 'erased', actor: COORDINATOR });
  });

  it('a transition without a reason has nothing to withhold, so a required reason is still missing', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-2', ctx);
    for (const reason of [undefined, '', ' \u200b ']) {
      const command = withholdErasedCaseText({ ...closing, reason });
      expect(command).toEqual({ ...closing, reason });
      expect(refusal(() => decideCase(command!, state, ctx)).code).toBe('CASE.REASON_REQUIRED');
    }
  });

  it('a withheld reason stands in for a required one; the event carries no text and says it was withheld', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-2', ctx);
    const { state: closed, events } = run(state, withholdErasedCaseText(closing)!, ctx);
    expect(types(events)).toEqual(['CaseTransitioned', 'CaseClosed']);
    expect(events[0]).toMatchObject({ from: 'ave-2', to: 'afgesloten', reason: null, reasonWithheld: 'erased', reasonCategory: null });
    expect(JSON.stringify(events)).not.toContain(closing.reason);
    expect(closed.status).toBe('closed');
  });

  it('keeps the reason category, which is no free text', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-1', ctx);
    const up = withholdErasedCaseText({ type: 'TakeTransition', transition: 'opschalen-ave-2', reason: 'Veiligheid in het geding', reasonCategory: 'veiligheid', actor: COORDINATOR })!;
    expect(decideCase(up, state, ctx)[0]).toMatchObject({ reason: null, reasonWithheld: 'erased', reasonCategory: 'veiligheid' });
  });

  it('a transition given normally records no withholding', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-2', ctx);
    const [moved] = decideCase(closing, state, ctx);
    expect(moved).toMatchObject({ reason: closing.reason });
    expect(moved).not.toHaveProperty('reasonWithheld');
  });

  it('the decider refuses a withholding it does not know, or one given with a reason', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-2', ctx);
    const unknown = { ...closing, reason: undefined, reasonWithheld: 'forgotten' } as unknown as CaseCommand;
    expect(refusal(() => decideCase(unknown, state, ctx)).details).toEqual({ field: 'reasonWithheld' });
    expect(refusal(() => decideCase({ ...closing, reasonWithheld: 'erased' }, state, ctx)).details).toEqual({ field: 'reason' });
  });

  it('notes, the plan, regie handovers, migrations, referrals and a table’s return are refused (null)', () => {
    const commands: CaseCommand[] = [
      { type: 'AddNote', text: 'Gesprek met haar broer', visibility: 'intern', actor: COORDINATOR },
      { type: 'SetPlan', measures: [{ type: 'zorg', description: 'Huisbezoek', owner: 'wijkteam', dueDate: '2030-01-31' }], actor: COORDINATOR },
      { type: 'HandOverRegie', responsibility: 'casusregie', holder: 'wijkteam-noord', reason: 'Wijkteam kent haar', actor: COORDINATOR },
      { type: 'MigrateModelVersion', toModel: AVE_MODEL, stateMapping: {}, reason: 'Nieuwe versie', actor: COORDINATOR },
      { type: 'ReferToTable', table: 'zvh-casusoverleg', reason: 'Hulp op meerdere leefgebieden', actor: COORDINATOR },
      { type: 'ApplyReferralOutcome', referralId: 'r-1', outcome: 'returned', reason: 'Geen plek', decidedBy: COORDINATOR, actor: COORDINATOR },
    ];
    for (const command of commands) expect(withholdErasedCaseText(command)).toBeNull();
  });
});
