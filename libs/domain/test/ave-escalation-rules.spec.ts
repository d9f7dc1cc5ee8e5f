import { AVE_MODEL, allowedTransitions, decideCase, foldCase, type CaseEvent, type CaseState } from '../src/index.js';
import { caseIn, COORDINATOR, POLICE, refusal, run, testContext, types } from './case.fixtures.js';

const opschalen = (to: 2 | 3 | 4, extra: Record<string, unknown> = {}) => ({
  type: 'TakeTransition' as const,
  transition: `opschalen-ave-${to}`,
  reason: 'Samenwerking stagneert, afspraken worden niet nagekomen.',
  reasonCategory: 'stagnatie',
  actor: COORDINATOR,
  ...extra,
});

describe('AVE: opschalen needs a reason category (stagnatie, complexiteit, veiligheid) and a reason text', () => {
  it.each(['stagnatie', 'complexiteit', 'veiligheid'])('opschalen with category %s is recorded with reason and category', (category) => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-1', ctx);
    const [moved] = decideCase(opschalen(2, { reasonCategory: category }), state, ctx);
    expect(moved).toMatchObject({ type: 'CaseTransitioned', from: 'ave-1', to: 'ave-2', reasonCategory: category });
  });

  it('refuses a missing category, an unknown category and a missing text with exact codes', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-1', ctx);
    const missingCategory = refusal(() => decideCase(opschalen(2, { reasonCategory: undefined }), state, ctx));
    expect(missingCategory.code).toBe('CASE.REASON_CATEGORY_INVALID');
    expect(missingCategory.details).toEqual({
      transition: 'opschalen-ave-2',
      reasonCategory: null,
      allowed: ['stagnatie', 'complexiteit', 'veiligheid'],
    });
    expect(refusal(() => decideCase(opschalen(2, { reasonCategory: 'overlast' }), state, ctx)).code).toBe('CASE.REASON_CATEGORY_INVALID');
    expect(refusal(() => decideCase(opschalen(2, { reason: '' }), state, ctx)).code).toBe('CASE.REASON_REQUIRED');
  });

  it('refuses skipping a phase with CASE.TRANSITION_NOT_ALLOWED and lists what this role may do now', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-1', ctx);
    const error = refusal(() => decideCase(opschalen(3), state, ctx));
    expect(error.code).toBe('CASE.TRANSITION_NOT_ALLOWED');
    expect(error.details).toEqual({ transition: 'opschalen-ave-3', state: 'ave-1', allowed: ['opschalen-ave-2', 'afsluiten'] });
  });

  it('refuses an unknown transition name with CASE.TRANSITION_UNKNOWN', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-1', ctx);
    const error = refusal(() => decideCase({ ...opschalen(2), transition: 'opschalen' }, state, ctx));
    expect(error.code).toBe('CASE.TRANSITION_UNKNOWN');
    expect(error.details).toEqual({ transition: 'opschalen', modelId: 'ave', modelVersion: 1 });
  });
});

describe('AVE: each phase names the holders of the four responsibilities', () => {
  it.each([
    ['ave-1', { casusregie: 'zelfregie', procesregie: 'zelfregie', operationeleVerantwoordelijkheid: 'reguliere-hulpverlening', bestuurlijkeVerantwoordelijkheid: 'wethouder' }],
    ['ave-2', { casusregie: 'wijkteam', procesregie: 'wijkteam', operationeleVerantwoordelijkheid: 'wijkteam', bestuurlijkeVerantwoordelijkheid: 'wethouder' }],
    ['ave-3', { casusregie: 'procesregisseur', procesregie: 'procesregisseur', operationeleVerantwoordelijkheid: 'ketenpartners', bestuurlijkeVerantwoordelijkheid: 'wethouder' }],
    // AVE 4 names no procesregie holder: the one from AVE 3 (or the ZVH after acceptance) keeps it.
    ['ave-4', { casusregie: 'procesregisseur', procesregie: 'procesregisseur', operationeleVerantwoordelijkheid: 'politie', bestuurlijkeVerantwoordelijkheid: 'burgemeester' }],
  ])('%s', (phase, holders) => {
    const { state, events } = caseIn(AVE_MODEL, phase);
    if (state.status !== 'open') throw new Error('open expected');
    expect(state.responsibilities).toEqual(holders);
    // The move into the phase recorded the new holders too.
    const last = [...events].reverse().find((e) => e.type === 'CaseTransitioned' || e.type === 'CaseOpened')!;
    expect(last).toMatchObject({ responsibilities: holders });
  });

  it('a regie handover overrides the phase holder until a phase sets it again, and records from/to/reason', () => {
    const ctx = testContext();
    let { state } = caseIn(AVE_MODEL, 'ave-2', ctx);
    const handOver = {
      type: 'HandOverRegie' as const,
      responsibility: 'casusregie' as const,
      holder: 'samen-doen',
      reason: 'Samen Doen kent het gezin',
      actor: COORDINATOR,
    };
    const first = run(state, handOver, ctx);
    expect(first.events).toEqual([
      {
        type: 'RegieHandedOver',
        caseId: 'case-1',
        responsibility: 'casusregie',
        from: 'wijkteam',
        to: 'samen-doen',
        reason: 'Samen Doen kent het gezin',
        actor: COORDINATOR,
        at: ctx.now.toISOString(),
      },
    ]);
    state = first.state;
    expect(decideCase(handOver, state, ctx)).toEqual([]); // already the holder: nothing to do
    state = run(state, opschalen(3), ctx).state;
    expect(state.status === 'open' && state.responsibilities.casusregie).toBe('procesregisseur');
  });
});

describe('AVE: reaching AVE 4 informs the mayor, exactly once per entry', () => {
  it('opschalen to AVE 4 emits one MayorInformed after the move', () => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, 'ave-3', ctx);
    const events = decideCase(opschalen(4, { reasonCategory: 'veiligheid' }), state, ctx);
    expect(types(events)).toEqual(['CaseTransitioned', 'MayorInformed']);
    expect(events[1]).toEqual({
      type: 'MayorInformed',
      caseId: 'case-1',
      modelId: 'ave',
      modelVersion: 1,
      state: 'ave-4',
      audience: 'burgemeester',
      reporterRelation: null,
      at: ctx.now.toISOString(),
    });
  });

  it('the police liaison may escalate to AVE 4, but not lower phases', () => {
    const ctx = testContext();
    const at3 = caseIn(AVE_MODEL, 'ave-3', ctx).state;
    expect(types(decideCase(opschalen(4, { actor: POLICE }), at3, ctx))).toContain('MayorInformed');
    const at2 = caseIn(AVE_MODEL, 'ave-2', ctx).state;
    expect(refusal(() => decideCase(opschalen(3, { actor: POLICE }), at2, ctx)).code).toBe('CASE.ROLE_NOT_ALLOWED');
    expect(allowedTransitions(at2, 'police-liaison', AVE_MODEL)).toEqual([]);
  });

  it('staying in AVE 4 (notes, referrals, handovers, refused commands) never informs the mayor again', () => {
    const ctx = testContext();
    const { events } = caseIn(AVE_MODEL, 'ave-4', ctx);
    let state: CaseState = foldCase(events);
    const more: CaseEvent[] = [];
    for (const command of [
      { type: 'AddNote' as const, text: 'Driehoek ingelicht', visibility: 'intern' as const, actor: COORDINATOR },
      { type: 'ReferToTable' as const, table: 'politie', reason: 'Openbare orde', actor: COORDINATOR },
      { type: 'ReferToTable' as const, table: 'politie', reason: 'Openbare orde', actor: COORDINATOR },
      { type: 'HandOverRegie' as const, responsibility: 'casusregie' as const, holder: 'burgemeester', reason: 'Crisis', actor: COORDINATOR },
    ]) {
      const result = run(state, command, ctx);
      more.push(...result.events);
      state = result.state;
    }
    expect(() => decideCase(opschalen(4), state, ctx)).toThrow();
    expect([...events, ...more].filter((e) => e.type === 'MayorInformed')).toHaveLength(1);
  });

  it('leaving AVE 4 and escalating again is a new entry and informs the mayor again', () => {
    const ctx = testContext();
    let { state } = caseIn(AVE_MODEL, 'ave-4', ctx);
    state = run(state, { type: 'TakeTransition', transition: 'afschalen-ave-3', reason: 'Rust teruggekeerd', actor: COORDINATOR }, ctx).state;
    const again = decideCase(opschalen(4, { reasonCategory: 'veiligheid' }), state, ctx);
    expect(types(again).filter((t) => t === 'MayorInformed')).toHaveLength(1);
  });
});

describe('AVE: table referrals per phase', () => {
  it.each([
    ['ave-1', []],
    ['ave-2', []],
    ['ave-3', ['zvh-casusoverleg', 'zvh-jor', 'zvh-topx']],
    ['ave-4', ['zvh-casusoverleg', 'politie']],
  ])('%s allows %j', (phase, tables) => {
    const ctx = testContext();
    const { state } = caseIn(AVE_MODEL, phase, ctx);
    for (const table of ['zvh-casusoverleg', 'zvh-jor', 'zvh-topx', 'politie', 'riec']) {
      const command = { type: 'ReferToTable' as const, table, reason: 'Meerdere ketens nodig', actor: COORDINATOR };
      if ((tables as string[]).includes(table)) {
        expect(decideCase(command, state, ctx)).toEqual([
          {
            type: 'CaseReferred',
            caseId: 'case-1',
            referralId: expect.any(String),
            table,
            state: phase,
            reason: 'Meerdere ketens nodig',
            actor: COORDINATOR,
            at: ctx.now.toISOString(),
          },
        ]);
      } else {
        const error = refusal(() => decideCase(command, state, ctx));
        expect(error.code).toBe('CASE.REFERRAL_NOT_ALLOWED');
        expect(error.details).toEqual({ table, state: phase, allowed: tables });
      }
    }
  });
});
