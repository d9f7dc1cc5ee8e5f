import { allowedTransitions, type CaseState, type ModelDefinition, type ModelTransition } from '#domain';
import type { Principal } from '#security';

type ExistingCase = Exclude<CaseState, { status: 'none' }>;

/** A transition the caller may take now, with what it asks for. */
export interface AllowedTransitionResponse {
  name: string;
  to: string;
  requires: { reason: boolean; reasonCategories: string[]; fields: string[] };
  optionalFields: string[];
}

/**
 * The case as the API shows it: state, pinned model, responsibility holders, open deadlines, signals,
 * notes, plan, referrals, version (also the ETag), and the transitions the caller's role may take now.
 * Notes, the plan and referral reasons are free text about people: only coordinators see them. Another
 * role (an administrator moving the case to another model version, for any municipality) gets the state
 * without that content.
 */
export function caseResponse(state: ExistingCase, model: ModelDefinition, principal: Principal) {
  const allowed = new Set(allowedTransitions(state, principal.role, model));
  const content = principal.role === 'coordinator';
  return {
    caseId: state.caseId,
    municipality: state.municipality,
    status: state.status,
    currentState: state.currentState,
    stateTitle: model.states.find((s) => s.id === state.currentState)?.title ?? null,
    model: { id: state.model.id, version: state.model.version, title: model.title },
    version: state.version,
    openedAt: state.openedAt,
    stateEnteredAt: state.stateEnteredAt,
    closedAt: state.status === 'closed' ? state.closedAt : null,
    retentionClass: state.status === 'closed' ? state.retentionClass : null,
    subjectId: state.subjectId,
    reporterRelation: state.reporterRelation,
    /** The zorgmeldingen whose reporter is an essentiële naaste: whom the Wvggz outcome may be told (signal ids; the reporter is in the vault). */
    essentialRelativeSignalIds: state.essentialRelativeSignalIds ?? [],
    signalReceivedAt: state.signalReceivedAt,
    signalIds: state.signalIds,
    responsibilities: state.responsibilities,
    deadlines: state.deadlines.map((d) => ({
      deadlineId: d.deadlineId,
      definitionId: d.definitionId,
      state: d.state,
      startsOn: d.startsOn,
      startedAt: d.startedAt,
      dueAt: d.dueAt,
      approachingAt: d.approachingAt,
      status: d.status,
      pausedAt: d.pausedAt,
      approachingRecorded: d.approachingRecorded,
      breachedRecorded: d.breachedRecorded,
    })),
    notes: content ? state.notes : [],
    plan: content ? state.plan : null,
    referrals: state.referrals.map(({ stateVisit: _visit, reason, ...r }) => ({ ...r, reason: content ? reason : null })),
    allowedTransitions: model.transitions.filter((t) => allowed.has(t.name)).map(allowedTransitionResponse),
  };
}

/** A transition as the API offers it: where it leads and what it asks for. */
export function allowedTransitionResponse(t: ModelTransition): AllowedTransitionResponse {
  return {
    name: t.name,
    to: t.to,
    requires: { reason: t.requires?.reason === true, reasonCategories: [...(t.requires?.reasonCategories ?? [])], fields: [...(t.requires?.fields ?? [])] },
    optionalFields: [...(t.optionalFields ?? [])],
  };
}
