import { describe, expect, it } from '@jest/globals';
import {
  decideCase,
  modelResolverOf,
  BUILT_IN_MODELS,
  ONDERMIJNING_INTAKE_MODEL as INTAKE,
  tableMemberStanding,
  validateModelDefinition,
  type CaseReferred,
  type CaseState,
  type ModelDefinition,
  type TakeTransitionCommand,
} from '../src/index.js';
import { caseIn, COORDINATOR, refusal, run, SYSTEM, TABLE_MEMBER, testContext, types } from './case.fixtures.js';

/**
 * `retour-van-riec` may be taken by a table member: the RIEC hands the case back. A table member acts only
 * through a referral of the case that their table accepted, and only while the case stays in the state it was
 * referred in (the decider checks it, so no path around the HTTP edge gives a table a standing right to a case).
 */

function referredToRiec(ctx = testContext()) {
  const { state } = caseIn(INTAKE, 'riec', ctx);
  const referred = run(state, { type: 'ReferToTable', table: 'riec', reason: 'Boven de eigen mogelijkheden', actor: COORDINATOR }, ctx);
  return { ctx, state: referred.state, referralId: (referred.events[0] as CaseReferred).referralId };
}

function accepted(state: CaseState, referralId: string, ctx = testContext()): CaseState {
  return run(state, { type: 'ApplyReferralOutcome', referralId, outcome: 'accepted', decidedBy: TABLE_MEMBER, responsibilities: {}, actor: SYSTEM }, ctx).state;
}

const handBack = (referralId?: string): TakeTransitionCommand => ({
  type: 'TakeTransition',
  transition: 'retour-van-riec',
  reason: 'Binnen de eigen mogelijkheden',
  actor: TABLE_MEMBER,
  ...(referralId === undefined ? {} : { referralId }),
});

describe('a table member takes the model’s table-member transitions through an accepted referral', () => {
  it('through the referral the RIEC accepted, while the case is in the state it was referred in: taken', () => {
    const { ctx, state, referralId } = referredToRiec();
    const after = accepted(state, referralId, ctx);
    expect(tableMemberStanding(after, referralId)).toMatchObject({ mayAct: true });
    const events = decideCase(handBack(referralId), after, ctx);
    expect(types(events)).toEqual(['CaseTransitioned']);
    // The decision trail says which table acted, through which referral.
    expect(events[0]).toMatchObject({ from: 'riec', to: 'weging-3', actor: TABLE_MEMBER, referralId, table: 'riec' });
  });

  it('without naming a referral: REFERRAL.REQUIRED', () => {
    const { ctx, state, referralId } = referredToRiec();
    expect(refusal(() => decideCase(handBack(), accepted(state, referralId, ctx), ctx)).code).toBe('REFERRAL.REQUIRED');
  });

  it('through a referral the case does not have: REFERRAL.NOT_FOUND', () => {
    const { ctx, state, referralId } = referredToRiec();
    expect(refusal(() => decideCase(handBack('another-referral'), accepted(state, referralId, ctx), ctx)).code).toBe('REFERRAL.NOT_FOUND');
  });

  it('before the table accepted, or after it returned the referral: REFERRAL.NOT_ACCEPTED', () => {
    const { ctx, state, referralId } = referredToRiec();
    expect(refusal(() => decideCase(handBack(referralId), state, ctx)).code).toBe('REFERRAL.NOT_ACCEPTED');
    const returned = run(state, { type: 'ApplyReferralOutcome', referralId, outcome: 'returned', decidedBy: TABLE_MEMBER, reason: 'Niet voor ons', actor: SYSTEM }, ctx).state;
    expect(tableMemberStanding(returned, referralId)).toMatchObject({ mayAct: false, code: 'REFERRAL.NOT_ACCEPTED' });
    expect(refusal(() => decideCase(handBack(referralId), returned, ctx)).code).toBe('REFERRAL.NOT_ACCEPTED');
  });

  it('after the case left the state and came back: the old acceptance gives nothing (REFERRAL.CASE_MOVED_ON)', () => {
    const { ctx, state, referralId } = referredToRiec();
    const back = run(accepted(state, referralId, ctx), handBack(referralId), ctx).state;
    expect(tableMemberStanding(back, referralId)).toMatchObject({ mayAct: false, code: 'REFERRAL.CASE_MOVED_ON' });
    const riecAgain = run(back, { type: 'TakeTransition', transition: 'besluit-riec', reason: 'Toch naar het RIEC', actor: COORDINATOR }, ctx).state;
    expect(riecAgain).toMatchObject({ currentState: 'riec' });
    expect(refusal(() => decideCase(handBack(referralId), riecAgain, ctx)).code).toBe('REFERRAL.CASE_MOVED_ON');
  });

  it('a coordinator needs no referral', () => {
    const { ctx, state } = referredToRiec();
    expect(types(decideCase({ ...handBack(), actor: COORDINATOR }, state, ctx))).toEqual(['CaseTransitioned']);
  });
});

/** The intake model with a RIEC state that may also go to the local undermining table: two tables, one hand-back. */
const TWO_TABLES: ModelDefinition = (() => {
  const def = structuredClone(INTAKE) as unknown as { version: number; states: { id: string; referrals?: string[] }[] };
  def.version = 2;
  def.states.find((st) => st.id === 'riec')!.referrals = ['riec', 'lokale-ondermijningstafel'];
  return def as unknown as ModelDefinition;
})();

describe('a transition may name the tables whose members take it (`tables`)', () => {
  it('the local table accepted its referral, but retour-van-riec is the RIEC’s: CASE.ROLE_NOT_ALLOWED naming the table', () => {
    const ctx = testContext(modelResolverOf([...BUILT_IN_MODELS, TWO_TABLES]));
    const { state } = caseIn(TWO_TABLES, 'riec', ctx);
    const referred = run(state, { type: 'ReferToTable', table: 'lokale-ondermijningstafel', reason: 'Lokaal oppakken', actor: COORDINATOR }, ctx);
    const referralId = (referred.events[0] as CaseReferred).referralId;
    const after = accepted(referred.state, referralId, ctx);
    const error = refusal(() => decideCase(handBack(referralId), after, ctx));
    expect({ code: error.code, details: error.details }).toEqual({
      code: 'CASE.ROLE_NOT_ALLOWED',
      details: { transition: 'retour-van-riec', role: 'table-member', table: 'lokale-ondermijningstafel', tables: ['riec'] },
    });
  });

  it('is refused in a definition unless table-member may take it, and then only naming tables a from-state refers to, once each', () => {
    const withTables = (tables: unknown, roles: string[] = ['coordinator', 'table-member']) => {
      const def = structuredClone(INTAKE) as unknown as { transitions: { name: string; rolesAllowed: string[]; tables?: unknown }[] };
      const t = def.transitions.find((x) => x.name === 'retour-van-riec')!;
      t.tables = tables;
      t.rolesAllowed = roles;
      return validateModelDefinition(def).filter((p) => p.code === 'TRANSITION_TABLES_INVALID').map((p) => p.message);
    };
    expect(withTables(['riec'])).toEqual([]);
    expect(withTables([])).toEqual([expect.stringContaining('non-empty list')]);
    expect(withTables(['riec'], ['coordinator'])).toEqual([expect.stringContaining('table-member is not in rolesAllowed')]);
    expect(withTables(['zvh-casusoverleg'])).toEqual([expect.stringContaining('no from-state refers cases to table "zvh-casusoverleg"')]);
    expect(withTables(['riec', 'riec'])).toEqual([expect.stringContaining('table "riec" is named twice')]);
  });
});
