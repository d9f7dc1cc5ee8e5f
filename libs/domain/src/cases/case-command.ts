import type { ModelDefinition, Responsibilities, ResponsibilityKind } from '../models/model-definition.js';
import type { ReporterRelation } from '../signals/reporter-relation.js';
import type { SignalSource } from '../signals/signal-source.js';
import type { CaseActor, NoteVisibility, ReasonWithheld } from './case.js';
import type { PlanMeasure } from './plan-measure.js';

/** Every command says who gives it; decisions record the actor in their events. */
interface CaseCommandBase {
  actor: CaseActor;
}

/**
 * Open a case under a model from one or more signals. The case is pinned to `model.id` + `model.version`;
 * the app must be able to resolve that version later (`CaseDecisionContext.models`).
 */
export interface OpenCaseCommand extends CaseCommandBase {
  type: 'OpenCase';
  caseId: string;
  /** CBS code (`GM` + 4 digits). */
  municipality: string;
  model: ModelDefinition;
  signalIds: string[];
  subjectId?: string;
  /**
   * The reporter relation that counts for the case's guards: `essentiele-naaste` when one of its zorgmeldingen was
   * made by an essentiële naaste (implied by `essentialRelativeSignalIds`), else the relation of a zorgmelding's reporter.
   */
  reporterRelation?: ReporterRelation;
  /**
   * The signals (of `signalIds`) that are zorgmeldingen by an essentiële naaste: under the Wvggz only they may be told
   * the outcome (`essentialRelativeSignalIdsOf`). Required when `reporterRelation` is `essentiele-naaste`.
   */
  essentialRelativeSignalIds?: string[];
  /** ISO 8601 instant the earliest signal was received; start of `signal-received` deadlines. Defaults to now. */
  signalReceivedAt?: string;
}

/** Move the case along a named transition of its model. */
export interface TakeTransitionCommand extends CaseCommandBase {
  type: 'TakeTransition';
  transition: string;
  reason?: string;
  /**
   * Set by the app, never by a caller: a reason was given but is not stored, because the case's personal data was
   * erased (see `withholdErasedCaseText`). It stands in for the reason a transition requires; `reason` is then absent.
   */
  reasonWithheld?: ReasonWithheld;
  reasonCategory?: string;
  /** Values for the transition's required and optional fields; nothing else is accepted. */
  fields?: Record<string, unknown>;
  /** A table member's referral of the case, accepted by their table, that the transition is taken through. */
  referralId?: string;
}

/** Give one responsibility to another holder, overriding the state's default until the next state that sets it. */
export interface HandOverRegieCommand extends CaseCommandBase {
  type: 'HandOverRegie';
  responsibility: ResponsibilityKind;
  holder: string;
  reason: string;
}

export interface AddSignalCommand extends CaseCommandBase {
  type: 'AddSignal';
  signalId: string;
  /** The signal's source and, for a zorgmelding, its reporter's relation: a zorgmelding by an essentiële naaste counts for the Wvggz outcome. */
  source?: SignalSource;
  reporterRelation?: ReporterRelation | null;
}

/** A signal as far as the Wvggz outcome is concerned: its source and, for a zorgmelding, its reporter's relation. */
export interface ReportingSignal {
  source?: string | null;
  reporterRelation?: string | null;
}

/** Whether `signal` is a zorgmelding by an essentiële naaste (under the Wvggz only such a reporter may be told the outcome). */
export function reportedByEssentialRelative(signal: ReportingSignal): boolean {
  return signal.source === 'zorgmelding' && signal.reporterRelation === 'essentiele-naaste';
}

/** The ids of the signals that are zorgmeldingen by an essentiële naaste, in the order given (for `OpenCase`). */
export function essentialRelativeSignalIdsOf(signals: readonly (ReportingSignal & { signalId: string })[]): string[] {
  return [...new Set(signals.filter(reportedByEssentialRelative).map((s) => s.signalId))];
}

export interface AddNoteCommand extends CaseCommandBase {
  type: 'AddNote';
  text: string;
  visibility: NoteVisibility;
}

/** Set (or replace) the plan van aanpak. */
export interface SetPlanCommand extends CaseCommandBase {
  type: 'SetPlan';
  measures: PlanMeasure[];
}

/**
 * Move the case to another version of the same model. `stateMapping` maps old state ids to new ones; the
 * current state maps to itself when it is not listed and exists in the new version.
 */
export interface MigrateModelVersionCommand extends CaseCommandBase {
  type: 'MigrateModelVersion';
  toModel: ModelDefinition;
  stateMapping: Record<string, string>;
  reason: string;
}

/** Refer the case to a table the current state allows. */
export interface ReferToTableCommand extends CaseCommandBase {
  type: 'ReferToTable';
  table: string;
  reason: string;
}

/** The timer says a deadline instance is approaching; recorded once. */
export interface RecordDeadlineApproachingCommand extends CaseCommandBase {
  type: 'RecordDeadlineApproaching';
  /** The instance id from `DeadlineOpened.deadlineId`. */
  deadlineId: string;
}

/** The timer says a deadline instance has run out; recorded once. */
export interface RecordDeadlineBreachedCommand extends CaseCommandBase {
  type: 'RecordDeadlineBreached';
  deadlineId: string;
}

/**
 * A table decided on a referral (the tables app's `ReferralAccepted` / `ReferralReturned`, or its
 * `ReferralRejected` when the referral could not be delivered, applied by the router). Accepted: the table
 * takes over `responsibilities`. Returned: the case may be referred to that table again in the same state.
 */
export interface ApplyReferralOutcomeCommand extends CaseCommandBase {
  type: 'ApplyReferralOutcome';
  referralId: string;
  /** `rejected`: the tables app's `ReferralRejected` (the referral never reached the table). */
  outcome: 'accepted' | 'returned' | 'rejected';
  /** Accepted only: what the table takes over, per its configuration (`{ procesregie: 'zvh' }`). */
  responsibilities?: Responsibilities;
  /** Returned or rejected only: why (required). */
  reason?: string;
  /** The table member who decided (the command's `actor` is whoever applies it, usually `system`). */
  decidedBy: CaseActor;
}

/** Commands on a case, tagged by `type`. */
export type CaseCommand =
  | OpenCaseCommand
  | TakeTransitionCommand
  | HandOverRegieCommand
  | AddSignalCommand
  | AddNoteCommand
  | SetPlanCommand
  | MigrateModelVersionCommand
  | ReferToTableCommand
  | RecordDeadlineApproachingCommand
  | RecordDeadlineBreachedCommand
  | ApplyReferralOutcomeCommand;
