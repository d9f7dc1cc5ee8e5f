import { DomainError } from '../shared/domain-error.js';
import { visibleLength } from '../shared/visible-text.js';
import type { SignalStatus } from '../signals/signal-status.js';
import type { SignalTriageCommand } from './signal-triage.command.js';
import { SIGNAL_DISMISSED_EVENT_TYPE, SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE, type SignalTriageEvent } from './signal-triage.event.js';
import { SUBJECT_ERRORS, TRIAGE_ERRORS } from './subject-error-codes.js';

/** Shortest dismissal reason (visible characters: `visibleLength`) and longest (as sent, after trimming). */
export const DISMISSAL_REASON_LENGTH = { min: 5, max: 2000 } as const;

/** What triage needs to know of a signal: whose it is, its subject, whether it was dismissed or is in a case. */
export interface SignalTriageState {
  signalId: string;
  municipality: string;
  subjectId: string | null;
  dismissed: boolean;
  /** The case the signal is part of (case events come from the cases topic). */
  caseId: string | null;
}

/**
 * What a triage decision needs besides the command and the state: `seal` seals free text (the dismissal reason)
 * under the signal's data key, so that destroying that key (erasure, retention) destroys the text with the
 * signal's other personal data. It is called only once the command is accepted, and may throw to refuse it
 * (e.g. when the key was destroyed: nothing can be added to an erased signal).
 */
export interface SignalTriageContext {
  seal(plaintext: string): string;
}

/** The state of a signal nobody triaged yet. */
export function newSignalTriageState(signalId: string, municipality: string, caseId: string | null = null): SignalTriageState {
  return { signalId, municipality, subjectId: null, dismissed: false, caseId };
}

/**
 * Decides a triage command: the events it causes, [] when there is nothing to do, or a {@link DomainError}.
 *  - LinkSignalToSubject: a dismissed signal cannot be linked (`SIGNAL.ALREADY_DISMISSED`); the subject must
 *    exist in the signal's municipality (`SUBJECT.NOT_FOUND`, the same answer for "not yours"); linking to
 *    the subject it is linked to already does nothing; linking to another one moves the link (correction).
 *    A signal in a case can still be linked: a case can have its subject named later.
 *  - DismissSignal: the reason is at least 5 characters as a reader sees them (`visibleLength`, so invisible
 *    characters cannot pad it) and at most 2000 after trimming (`SIGNAL.DISMISSAL_REASON_INVALID`); a
 *    dismissed signal cannot be dismissed again (`SIGNAL.ALREADY_DISMISSED`), nor one in a case (`SIGNAL.IN_CASE`).
 *    The event carries the trimmed reason sealed with `context.seal` (free text about people, for a zorgmelding
 *    health context): never the plaintext.
 */
export function decideSignalTriage(command: SignalTriageCommand, state: SignalTriageState, context: SignalTriageContext): SignalTriageEvent[] {
  switch (command.type) {
    case 'LinkSignalToSubject': {
      if (state.dismissed) throw alreadyDismissed(state);
      const subject = command.subject;
      if (!subject || subject.subjectId !== command.subjectId || subject.municipality !== state.municipality) {
        throw new DomainError(SUBJECT_ERRORS.NOT_FOUND, 'No such subject in the municipality of the signal');
      }
      if (state.subjectId === subject.subjectId) return [];
      return [{ type: SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE, signalId: state.signalId, subjectId: subject.subjectId, previousSubjectId: state.subjectId }];
    }
    case 'DismissSignal': {
      const reason = typeof command.reason === 'string' ? command.reason.trim() : '';
      if (visibleLength(reason) < DISMISSAL_REASON_LENGTH.min || reason.length > DISMISSAL_REASON_LENGTH.max) {
        throw new DomainError(TRIAGE_ERRORS.DISMISSAL_REASON_INVALID, `State why the signal is dismissed (${DISMISSAL_REASON_LENGTH.min}–${DISMISSAL_REASON_LENGTH.max} characters)`, { field: 'reason' });
      }
      if (state.dismissed) throw alreadyDismissed(state);
      if (state.caseId !== null) {
        throw new DomainError(TRIAGE_ERRORS.IN_CASE, 'The signal is part of a case; handle it in the case', { signalId: state.signalId, caseId: state.caseId });
      }
      return [{ type: SIGNAL_DISMISSED_EVENT_TYPE, signalId: state.signalId, reason: context.seal(reason) }];
    }
    default: {
      const unknownCommand: never = command;
      throw new DomainError('SIGNAL.COMMAND_UNKNOWN', `Unknown triage command ${(unknownCommand as { type?: string }).type}`);
    }
  }
}

/** Applies one triage event. */
export function evolveSignalTriage(state: SignalTriageState, event: SignalTriageEvent): SignalTriageState {
  switch (event.type) {
    case SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE:
      return { ...state, subjectId: event.subjectId };
    case SIGNAL_DISMISSED_EVENT_TYPE:
      return { ...state, dismissed: true };
    default: {
      const unknownEvent: never = event;
      void unknownEvent;
      return state;
    }
  }
}

/** Folds triage events onto a state, in stream order. */
export function foldSignalTriage(state: SignalTriageState, events: readonly SignalTriageEvent[]): SignalTriageState {
  return events.reduce(evolveSignalTriage, state);
}

/**
 * The triage-queue status of a signal: `afgewezen` when dismissed, `in-behandeling` when in a case,
 * `gekoppeld` when linked to a subject, else `nieuw`.
 */
export function signalTriageStatus(state: SignalTriageState): SignalStatus {
  if (state.dismissed) return 'afgewezen';
  if (state.caseId !== null) return 'in-behandeling';
  if (state.subjectId !== null) return 'gekoppeld';
  return 'nieuw';
}

function alreadyDismissed(state: SignalTriageState): DomainError {
  return new DomainError(TRIAGE_ERRORS.ALREADY_DISMISSED, 'The signal was dismissed', { signalId: state.signalId });
}
