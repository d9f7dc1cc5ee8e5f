import {
  allowedTransitions,
  BUILT_IN_MODELS,
  deadlineRunsIn,
  decideCase,
  evolveCase,
  MODEL_ROLES,
  type CaseTransitioned,
  type ModelDefinition,
  type ModelTransition,
} from '../src/index.js';
import { caseIn, refusal, testContext, types, validTransition } from './case.fixtures.js';

/*
 * Given/when/then for every transition of every built-in model, generated from the model data:
 * for each transition and each of its from-states, the valid command emits the right events; from any other
 * open state, by any other role, without a required reason, with a bad reason category or without a
 * required field, it is refused with the exact code and nothing is emitted.
 */

interface Row {
  model: ModelDefinition;
  transition: ModelTransition;
  from: string;
}

const rows: Row[] = BUILT_IN_MODELS.flatMap((model) =>
  model.transitions.flatMap((transition) => transition.from.map((from) => ({ model, transition, from }))),
);
const label = (r: Row) => `${r.model.id}: ${r.transition.name} from ${r.from} to ${r.transition.to}`;

describe.each(rows.map((r) => [label(r), r] as const))('%s', (_label, { model, transition, from }) => {
  const target = model.states.find((s) => s.id === transition.to)!;

  it('emits CaseTransitioned with model version, from, to, actor, reason, category, fields and holders', () => {
    const ctx = testContext();
    const { state } = caseIn(model, from, ctx);
    if (state.status !== 'open') throw new Error('expected an open case');
    const command = validTransition(transition);
    const events = decideCase(command, state, ctx);
    const moved = events[0] as CaseTransitioned;
    expect(moved).toEqual({
      type: 'CaseTransitioned',
      caseId: 'case-1',
      modelId: model.id,
      modelVersion: model.version,
      transition: transition.name,
      from,
      to: transition.to,
      actor: command.actor,
      reason: command.reason ?? null,
      reasonCategory: command.reasonCategory ?? null,
      fields: command.fields ?? {},
      responsibilities: { ...state.responsibilities, ...(target.responsibilities ?? {}) },
      at: ctx.now.toISOString(),
    });
    // What follows the move comes from the target state's data: a term runs in its state and its runsIn (kept there,
    // resumed if paused), pauses in its pausedIn, closes anywhere else; it opens where it runs and the case has none.
    const expected: string[] = [];
    for (const d of state.deadlines) {
      const def = model.deadlines.find((x) => x.id === d.definitionId)!;
      if (target.terminal) expected.push('DeadlineClosed');
      else if (deadlineRunsIn(def, target.id)) expected.push(...(d.status === 'paused' ? ['DeadlineResumed'] : []));
      else if (def.pausedIn?.includes(target.id)) expected.push(...(d.status === 'running' ? ['DeadlinePaused'] : []));
      else expected.push('DeadlineClosed');
    }
    if (!target.terminal) {
      const has = (id: string) => state.deadlines.some((d) => d.definitionId === id);
      expected.push(...model.deadlines.filter((d) => deadlineRunsIn(d, target.id) && !has(d.id)).map(() => 'DeadlineOpened'));
    }
    // Notifications guarded by the reporter relation are not raised for a case opened without one.
    expected.push(...(target.notifications ?? []).filter((n) => n.when === undefined).map((n) => n.type));
    if (target.terminal) expected.push('CaseClosed');
    expect(types(events.slice(1))).toEqual(expected);
  });

  it('refuses from every other open state with CASE.TRANSITION_NOT_ALLOWED and the allowed list', () => {
    const others = model.states.filter((s) => !s.terminal && !transition.from.includes(s.id));
    for (const other of others) {
      const ctx = testContext();
      const { state } = caseIn(model, other.id, ctx);
      const error = refusal(() => decideCase(validTransition(transition), state, ctx));
      expect(error.code).toBe('CASE.TRANSITION_NOT_ALLOWED');
      expect(error.details).toEqual({
        transition: transition.name,
        state: other.id,
        allowed: allowedTransitions(state, transition.rolesAllowed[0], model),
      });
    }
  });

  it('refuses every role it does not allow with CASE.ROLE_NOT_ALLOWED', () => {
    const ctx = testContext();
    const { state } = caseIn(model, from, ctx);
    for (const role of MODEL_ROLES.filter((r) => !transition.rolesAllowed.includes(r))) {
      const error = refusal(() => decideCase(validTransition(transition, { actor: { id: 'u', role } }), state, ctx));
      expect(error.code).toBe('CASE.ROLE_NOT_ALLOWED');
      expect(error.details).toEqual({ transition: transition.name, role, rolesAllowed: [...transition.rolesAllowed] });
    }
  });

  it('checks reason, reason category and fields as the model requires', () => {
    const ctx = testContext();
    const { state } = caseIn(model, from, ctx);
    const attempt = (overrides: Parameters<typeof validTransition>[1]) =>
      refusal(() => decideCase(validTransition(transition, overrides), state, ctx)).code;
    if (transition.requires?.reason) {
      expect(attempt({ reason: undefined })).toBe('CASE.REASON_REQUIRED');
      expect(attempt({ reason: '   ' })).toBe('CASE.REASON_REQUIRED');
    } else {
      // A reason is always welcome, never required.
      expect(decideCase(validTransition(transition, { reason: 'toelichting' }), state, ctx)[0]).toMatchObject({ reason: 'toelichting' });
    }
    expect(attempt({ reasonCategory: 'ongeldig' })).toBe('CASE.REASON_CATEGORY_INVALID');
    if (transition.requires?.reasonCategories) expect(attempt({ reasonCategory: undefined })).toBe('CASE.REASON_CATEGORY_INVALID');
    for (const field of transition.requires?.fields ?? []) {
      const fields = { ...validTransition(transition).fields, [field]: '' };
      expect(attempt({ fields })).toBe('CASE.FIELD_REQUIRED');
      // A field is a short text, a yes/no, a number or a short list of texts: no objects or pages of text in the event.
      expect(attempt({ fields: { ...validTransition(transition).fields, [field]: { x: [1] } } })).toBe('CASE.FIELD_INVALID');
      expect(attempt({ fields: { ...validTransition(transition).fields, [field]: 'x'.repeat(501) } })).toBe('CASE.FIELD_INVALID');
      expect(attempt({ fields: { ...validTransition(transition).fields, [field]: Array.from({ length: 51 }, () => 'a') } })).toBe('CASE.FIELD_INVALID');
      expect(attempt({ fields: { ...validTransition(transition).fields, [field]: [{ x: 1 }] } })).toBe('CASE.FIELD_INVALID');
    }
    expect(attempt({ fields: { ...validTransition(transition).fields, bsn: '123456782' } })).toBe('CASE.FIELD_UNKNOWN');
  });

  it('taking it again after the move is refused, so nothing is emitted twice', () => {
    if (transition.from.includes(transition.to)) return; // a self-loop may be taken again by design
    const ctx = testContext();
    const { state } = caseIn(model, from, ctx);
    const next = decideCase(validTransition(transition), state, ctx).reduce(evolveCase, state);
    const code = refusal(() => decideCase(validTransition(transition), next, ctx)).code;
    expect(code).toBe(target.terminal ? 'CASE.CLOSED' : 'CASE.TRANSITION_NOT_ALLOWED');
  });
});
