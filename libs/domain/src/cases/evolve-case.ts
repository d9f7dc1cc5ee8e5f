import type { CaseData, CaseDeadline, CaseState, OpenCaseState } from './case.js';
import { NO_CASE } from './case.js';
import type { CaseEvent } from './case-event.js';
import { closingDaysField } from './term-closing-days.js';
import { openedDeadline } from './term-opened.js';

/**
 * Applies one event to a case and returns the new state (the input is not changed). Every event adds 1 to
 * `version`. An event that cannot apply to the state (e.g. a transition on a case that does not exist)
 * means the stream is corrupt, so it throws `RangeError` rather than guessing.
 */
export function evolveCase(state: CaseState, event: CaseEvent): CaseState {
  if (event.type === 'CaseOpened') {
    if (state.status !== 'none') corrupt(event, state);
    return {
      status: 'open',
      caseId: event.caseId,
      municipality: event.municipality,
      model: { id: event.modelId, version: event.modelVersion },
      currentState: event.state,
      stateEnteredAt: event.at,
      stateEnteredAtVersion: 1,
      openedAt: event.at,
      subjectId: event.subjectId,
      reporterRelation: event.reporterRelation,
      // Only when recorded: an older CaseOpened (a relation, no signals named) rebuilds the state it always did.
      ...(event.essentialRelativeSignalIds?.length ? { essentialRelativeSignalIds: [...event.essentialRelativeSignalIds] } : {}),
      signalReceivedAt: event.signalReceivedAt,
      signalIds: [...event.signalIds],
      responsibilities: { ...event.responsibilities },
      deadlines: [],
      notes: [],
      plan: null,
      referrals: [],
      version: 1,
    };
  }
  if (state.status === 'none') corrupt(event, state);
  const version = state.version + 1;

  switch (event.type) {
    case 'CaseTransitioned': {
      const open = requireOpen(state, event);
      const reentered = event.from !== event.to;
      return {
        ...open,
        currentState: event.to,
        stateEnteredAt: reentered ? event.at : open.stateEnteredAt,
        stateEnteredAtVersion: reentered ? version : open.stateEnteredAtVersion,
        responsibilities: { ...event.responsibilities },
        version,
      };
    }
    case 'RegieHandedOver':
      return {
        ...requireOpen(state, event),
        responsibilities: { ...state.responsibilities, [event.responsibility]: event.to },
        version,
      };
    case 'SignalAddedToCase': {
      const open = requireOpen(state, event);
      // A case opened before the naasten were named (relation essentiele-naaste, no list) stays unnamed: naming only
      // the newcomer would drop the first naaste, who has the same right to be told.
      const unnamed = open.reporterRelation === 'essentiele-naaste' && open.essentialRelativeSignalIds === undefined;
      const essential =
        event.reportedByEssentialRelative && !unnamed
          ? { reporterRelation: 'essentiele-naaste' as const, essentialRelativeSignalIds: [...(open.essentialRelativeSignalIds ?? []), event.signalId] }
          : {};
      return { ...open, signalIds: [...open.signalIds, event.signalId], ...essential, version };
    }
    case 'CaseNoteAdded':
      return {
        ...requireOpen(state, event),
        notes: [
          ...state.notes,
          { noteId: event.noteId, text: event.text, visibility: event.visibility, actor: { ...event.actor }, at: event.at },
        ],
        version,
      };
    case 'CasePlanSet':
      return {
        ...requireOpen(state, event),
        plan: { measures: event.measures.map((m) => ({ ...m })), setBy: { ...event.actor }, at: event.at },
        version,
      };
    case 'CaseModelMigrated': {
      const open = requireOpen(state, event);
      return {
        ...open,
        model: { id: event.modelId, version: event.toVersion },
        currentState: event.toState,
        responsibilities: { ...event.responsibilities },
        version,
      };
    }
    case 'CaseReferred': {
      const open = requireOpen(state, event);
      return {
        ...open,
        referrals: [
          ...open.referrals,
          {
            referralId: event.referralId,
            table: event.table,
            state: event.state,
            reason: event.reason,
            actor: { ...event.actor },
            at: event.at,
            stateVisit: open.stateEnteredAtVersion,
          },
        ],
        version,
      };
    }
    case 'DeadlineOpened': {
      const open = requireOpen(state, event);
      return { ...open, deadlines: [...open.deadlines, openedDeadline(event)], version };
    }
    case 'DeadlinePaused':
      return updateDeadline(requireOpen(state, event), event, version, (d) => ({ ...d, status: 'paused', pausedAt: event.at }));
    case 'DeadlineResumed':
      return updateDeadline(requireOpen(state, event), event, version, ({ closingDays: _countedBefore, ...d }) => ({
        ...d,
        status: 'running',
        pausedAt: null,
        dueAt: event.dueAt,
        approachingAt: event.approachingAt,
        // The new due moment was counted with these (none when absent): the ones of the stretch before no longer apply.
        ...closingDaysField(event.closingDays),
      }));
    case 'DeadlineClosed': {
      const open = requireOpen(state, event);
      requireDeadline(open, event);
      return { ...open, deadlines: open.deadlines.filter((d) => d.deadlineId !== event.deadlineId), version };
    }
    case 'DeadlineApproachingMoved':
      return updateDeadline(requireOpen(state, event), event, version, (d) => ({ ...d, approachingAt: event.approachingAt }));
    case 'DeadlineApproaching':
      return updateDeadline(requireOpen(state, event), event, version, (d) => ({ ...d, approachingRecorded: true }));
    case 'DeadlineBreached':
      return updateDeadline(requireOpen(state, event), event, version, (d) => ({ ...d, breachedRecorded: true }));
    case 'CaseReferralAccepted':
    case 'CaseReferralReturned': {
      // A table may answer after the case was closed: the answer is recorded on the closed case too.
      const existing = requireExisting(state, event);
      const outcome = event.type === 'CaseReferralAccepted' ? 'accepted' : event.rejected ? 'rejected' : 'returned';
      if (!existing.referrals.some((r) => r.referralId === event.referralId)) {
        throw new RangeError(`${event.type}: case ${existing.caseId} has no referral ${event.referralId}`);
      }
      return {
        ...existing,
        referrals: existing.referrals.map((r) => (r.referralId === event.referralId ? { ...r, outcome } : r)),
        version,
      };
    }
    case 'MayorInformed':
    case 'ReporterMayBeInformed':
      // Recorded for the audit trail and the consumers; they change nothing the decider needs.
      return { ...requireOpen(state, event), version };
    case 'CaseClosed': {
      const open = requireOpen(state, event);
      return {
        ...open,
        status: 'closed',
        deadlines: [],
        closedAt: event.at,
        retentionClass: event.retentionClass,
        version,
      };
    }
    default:
      return assertNever(event);
  }
}

/** Rebuilds a case from its events, oldest first (`from` defaults to the state before the first event). */
export function foldCase(events: Iterable<CaseEvent>, from: CaseState = NO_CASE): CaseState {
  let state = from;
  for (const event of events) state = evolveCase(state, event);
  return state;
}

function requireOpen(state: CaseState, event: CaseEvent): OpenCaseState {
  // The decider emits CaseClosed last in its batch; after it only a table's answer to a referral applies.
  if (state.status !== 'open') corrupt(event, state);
  return state;
}

function requireExisting(state: CaseState, event: CaseEvent): Exclude<CaseState, { status: 'none' }> {
  if (state.status === 'none') corrupt(event, state);
  return state;
}

function requireDeadline(state: CaseData, event: CaseEvent & { deadlineId: string }): CaseDeadline {
  const deadline = state.deadlines.find((d) => d.deadlineId === event.deadlineId);
  if (!deadline) throw new RangeError(`${event.type}: case ${state.caseId} has no open deadline ${event.deadlineId}`);
  return deadline;
}

function updateDeadline(
  state: OpenCaseState,
  event: CaseEvent & { deadlineId: string },
  version: number,
  change: (deadline: CaseDeadline) => CaseDeadline,
): CaseState {
  requireDeadline(state, event);
  return {
    ...state,
    deadlines: state.deadlines.map((d) => (d.deadlineId === event.deadlineId ? change(d) : d)),
    version,
  };
}

function corrupt(event: CaseEvent, state: CaseState): never {
  throw new RangeError(`${event.type} cannot apply to a case in status "${state.status}"`);
}

function assertNever(value: never): never {
  throw new RangeError(`Unknown case event: ${JSON.stringify(value)}`);
}
