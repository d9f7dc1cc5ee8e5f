import { tableMayTake, tableMemberStanding, transitionsOpenTo, type CaseState, type ModelDefinition } from '#domain';
import { allowedTransitionResponse } from '../cases/case.response.js';

type ExistingCase = Exclude<CaseState, { status: 'none' }>;

/**
 * What a table member sees of a case through their referral: whether their table may act now, the transitions
 * the model gives its members now, and (while it may act) the version to send as `If-Match`. Nothing else: not the case id, and none
 * of the case's content or its live state and holders (the table's register holds what its sharing profile lets
 * it see, as it was referred). `mayAct`: the table accepted the referral and the case is still in the state it was
 * referred in.
 */
export function referredCaseResponse(state: ExistingCase, model: ModelDefinition, referralId: string, table: string) {
  const mayAct = tableMemberStanding(state, referralId)?.mayAct === true;
  const open = mayAct ? transitionsOpenTo(model, state.currentState, 'table-member', state.reporterRelation).filter((t) => tableMayTake(t, table)) : [];
  return {
    referralId,
    table,
    caseType: state.model.id,
    ...(mayAct ? { version: state.version } : {}),
    mayAct,
    allowedTransitions: open.map(allowedTransitionResponse),
  };
}
