import type { ModelDefinition, ModelTransition } from '../models/model-definition.js';
import { guardHolds } from '../models/model-guard.js';
import type { CaseState } from './case.js';

/**
 * The names of the transitions `role` may take now, in model order: from the current state, allowed for
 * the role, and with a guard that holds on what the case knows (a guard on command fields counts as
 * holding; it is checked when the command comes). `model` must be the version the case is pinned to.
 * A case that does not exist or is closed allows none.
 */
export function allowedTransitions(state: CaseState, role: string, model: ModelDefinition): string[] {
  if (state.status !== 'open') return [];
  if (model.id !== state.model.id || model.version !== state.model.version) {
    throw new RangeError(`Case ${state.caseId} is pinned to ${state.model.id}@${state.model.version}, not ${model.id}@${model.version}`);
  }
  return transitionsOpenTo(model, state.currentState, role, state.reporterRelation).map((t) => t.name);
}

/** Transitions from `stateId` that `role` may take, given the case's reporter relation. */
export function transitionsOpenTo(
  model: ModelDefinition,
  stateId: string,
  role: string,
  reporterRelation: string | null,
): ModelTransition[] {
  return model.transitions.filter(
    (t) =>
      t.from.includes(stateId) &&
      (t.rolesAllowed as readonly string[]).includes(role) &&
      guardHolds(t.guard, { reporterRelation }),
  );
}
