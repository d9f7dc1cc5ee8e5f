import { tableMemberStanding, transitionsOpenTo, type CaseState, type ModelDefinition } from '#domain';
import { allowedTransitionResponse } from '../cases/case.response.js';

type ExistingCase = Exclude<CaseState, { status: 'none' }>;

/**
 * The case as a table member sees it through their referral: the state it is in, who holds which responsibility,
 * its version (the ETag for a change) and the transitions the model gives table members now. Never the case id,
 * its subject, signals, deadlines, notes, plan or other referrals: those stay with the municipality (the table's
 * register holds what the sharing profile lets it see). `mayAct` tells whether the table may act now (it accepted
 * the referral and the case is still in the state it was referred in).
 */
export function referredCaseResponse(state: ExistingCase, model: ModelDefinition, referralId: string, table: string) {
  const mayAct = tableMemberStanding(state, referralId)?.mayAct === true;
  const open = mayAct ? transitionsOpenTo(model, state.currentState, 'table-member', state.reporterRelation) : [];
  return {
    referralId,
    table,
    municipality: state.municipality,
    caseType: state.model.id,
    model: { id: state.model.id, version: state.model.version },
    status: state.status,
    currentState: state.currentState,
    stateTitle: model.states.find((s) => s.id === state.currentState)?.title ?? null,
    responsibilities: state.responsibilities,
    version: state.version,
    mayAct,
    allowedTransitions: open.map(allowedTransitionResponse),
  };
}
