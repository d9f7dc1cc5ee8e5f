import { DomainError, type CaseState } from '#domain';
import type { Principal } from '#security';
import type { ModelRegistry } from '../models/model-registry.js';
import { caseResponse } from './case.response.js';
import { caseNotFound } from './case-not-found.js';

/** The API view of a case; its pinned model version must be loaded (`ModelRegistry.ensure`). */
export function presentCase(state: CaseState, registry: ModelRegistry, principal: Principal): ReturnType<typeof caseResponse> {
  if (state.status === 'none') throw caseNotFound();
  const model = registry.resolve(state.model.id, state.model.version);
  if (!model) throw new DomainError('CASE.MODEL_UNKNOWN', `model ${state.model.id}@${state.model.version} is not available`, { modelId: state.model.id, version: state.model.version });
  return caseResponse(state, model, principal);
}
