import type { DeadlineStart, ModelDuration, NotificationType, Responsibilities, ResponsibilityKind } from '../models/model-definition.js';
import type { ReporterRelation } from '../signals/reporter-relation.js';
import type { CaseActor, NoteVisibility, ReasonWithheld } from './case.js';
import type { PlanMeasure } from './plan-measure.js';

/*
 * Case events. `type` is the event type in the store and on Kafka (topic signaalroute.cases.v1, keyed by
 * caseId); the other properties are the payload. All instants are ISO 8601 strings (UTC); `at` is when the
 * decider ran (ctx.now). Payload schema version: CASE_EVENT_VERSION.
 */

/** Payload schema version of every case event type. */
export const CASE_EVENT_VERSION = 1;

export interface CaseOpened {
  type: 'CaseOpened';
  caseId: string;
  municipality: string;
  modelId: string;
  modelVersion: number;
  /** The model's initial state. */
  state: string;
  signalIds: string[];
  subjectId: string | null;
  /** `essentiele-naaste` when `essentialRelativeSignalIds` names any signal. */
  reporterRelation: ReporterRelation | null;
  /**
   * The signals that are zorgmeldingen by an essentiële naaste (signal ids only: who reported stays in the intake's
   * reporter vault). Present only when there are any; absent on cases opened before it was recorded.
   */
  essentialRelativeSignalIds?: string[];
  signalReceivedAt: string;
  /** Holders as set by the initial state. */
  responsibilities: Responsibilities;
  actor: CaseActor;
  at: string;
}

export interface CaseTransitioned {
  type: 'CaseTransitioned';
  caseId: string;
  modelId: string;
  modelVersion: number;
  transition: string;
  from: string;
  to: string;
  actor: CaseActor;
  /** Null when none was given, or when it was withheld (`reasonWithheld`). */
  reason: string | null;
  /**
   * `erased`: a reason was given but not stored, because the case's personal data had been erased (its data key
   * destroyed). Absent otherwise.
   */
  reasonWithheld?: ReasonWithheld;
  reasonCategory: string | null;
  /**
   * The transition's fields (only declared ones are accepted), each value sealed under the case's data key: a text as
   * a sealed value, any other value (number, yes/no, list) as `{ sealedJson }` (see `sealTransitionFields`; readers
   * use `transitionFieldsAsGiven` after opening them). Plain values on events stored before fields were sealed. Every
   * value null when withheld (`fieldsWithheld`).
   */
  fields: Record<string, unknown>;
  /**
   * `erased`: fields were given but their values not stored, because the case's personal data had been erased (its
   * data key destroyed); `fields` then names them with null values. Absent otherwise.
   */
  fieldsWithheld?: ReasonWithheld;
  /** Every holder after the move. */
  responsibilities: Responsibilities;
  /** Taken by a table member: the accepted referral they acted through, and its table. */
  referralId?: string;
  table?: string;
  at: string;
}

export interface RegieHandedOver {
  type: 'RegieHandedOver';
  caseId: string;
  responsibility: ResponsibilityKind;
  from: string | null;
  to: string;
  reason: string;
  actor: CaseActor;
  at: string;
}

export interface SignalAddedToCase {
  type: 'SignalAddedToCase';
  caseId: string;
  signalId: string;
  /** The signal is a zorgmelding by an essentiële naaste: it joins the case's `essentialRelativeSignalIds` (absent otherwise). */
  reportedByEssentialRelative?: true;
  actor: CaseActor;
  at: string;
}

export interface CaseNoteAdded {
  type: 'CaseNoteAdded';
  caseId: string;
  noteId: string;
  text: string;
  visibility: NoteVisibility;
  actor: CaseActor;
  at: string;
}

export interface CasePlanSet {
  type: 'CasePlanSet';
  caseId: string;
  measures: PlanMeasure[];
  actor: CaseActor;
  at: string;
}

export interface CaseModelMigrated {
  type: 'CaseModelMigrated';
  caseId: string;
  modelId: string;
  fromVersion: number;
  toVersion: number;
  fromState: string;
  toState: string;
  /** The mapping as given. */
  stateMapping: Record<string, string>;
  reason: string;
  /** Every holder after the move. */
  responsibilities: Responsibilities;
  actor: CaseActor;
  at: string;
}

export interface CaseReferred {
  type: 'CaseReferred';
  caseId: string;
  referralId: string;
  table: string;
  /** The state the case is in. */
  state: string;
  reason: string;
  actor: CaseActor;
  at: string;
}

export interface DeadlineOpened {
  type: 'DeadlineOpened';
  caseId: string;
  /** Instance id; timers and `RecordDeadline*` commands refer to it. */
  deadlineId: string;
  definitionId: string;
  /**
   * The state the case entered: the deadline's `state`, or one of its `runsIn`. For a term that replaces one (see
   * `replaces`): the state the migration mapped the case to, where the term may be paused (a `DeadlinePaused` follows).
   */
  state: string;
  startsOn: DeadlineStart;
  startedAt: string;
  duration: ModelDuration;
  dueAt: string;
  approachingAt: string | null;
  /**
   * A working-day term only: the municipality's closing days `dueAt` was counted with that lie after the start day up to
   * and including the due day (YYYY-MM-DD, oldest first). The working days a paused term has left are counted with
   * these, as the closing-day list may have changed by the time it resumes. Absent when there were none, and on events
   * from before it was recorded (computed before municipalities had closing days).
   */
  closingDays?: string[];
  /**
   * Only on a term that replaces one a model-version migration ended because the new version changed its length (same
   * definition id, same start): the instance it replaces. The same obligation, so it takes over what was recorded of
   * it: `approachingRecorded` / `breachedRecorded` (present, `true`, only when the old instance had warned / been
   * breached) and is never warned of or breached a second time. Absent on every other term.
   */
  replaces?: string;
  approachingRecorded?: true;
  breachedRecorded?: true;
  at: string;
}

export interface DeadlinePaused {
  type: 'DeadlinePaused';
  caseId: string;
  deadlineId: string;
  definitionId: string;
  /** The state the case moved to, one of the deadline's `pausedIn`. */
  state: string;
  at: string;
}

export interface DeadlineResumed {
  type: 'DeadlineResumed';
  caseId: string;
  deadlineId: string;
  definitionId: string;
  /**
   * How long it was paused (wall clock). A calendar-day or hour term's due instant moved on by this much; a working-day
   * term's is the working days it had left at the pause (counted with the closing days its due moment was counted
   * with), counted again from the resume with the municipality's closing days of that moment. Approaching follows the due.
   */
  pausedMs: number;
  dueAt: string;
  approachingAt: string | null;
  /**
   * A working-day term only: the closing days the new `dueAt` was counted with, after the resume day up to and including
   * the due day (as `DeadlineOpened.closingDays`); they replace the term's earlier ones. Absent when there were none.
   */
  closingDays?: string[];
  at: string;
}

/**
 * A term carried through a model-version migration (the new version keeps it as the same term) whose warning is still
 * to come: it warns by the new version's lead time from the migration on, counted back from its due moment, which
 * stays. `approachingAt` is null when the new version gives the term no warning. Not raised for a term that has
 * warned already (a warning is recorded once) or was breached.
 */
export interface DeadlineApproachingMoved {
  type: 'DeadlineApproachingMoved';
  caseId: string;
  deadlineId: string;
  definitionId: string;
  dueAt: string;
  /** The moment before: the old version's. */
  fromApproachingAt: string | null;
  approachingAt: string | null;
  at: string;
}

export interface DeadlineClosed {
  type: 'DeadlineClosed';
  caseId: string;
  deadlineId: string;
  definitionId: string;
  reason: 'state-left' | 'case-closed' | 'model-migrated';
  at: string;
}

export interface DeadlineApproaching {
  type: 'DeadlineApproaching';
  caseId: string;
  deadlineId: string;
  definitionId: string;
  /** The case's state when it was recorded (a term runs in its `state` and its `runsIn`). */
  state: string;
  dueAt: string;
  at: string;
}

export interface DeadlineBreached {
  type: 'DeadlineBreached';
  caseId: string;
  deadlineId: string;
  definitionId: string;
  /** The case's state when it was recorded (a term runs in its `state` and its `runsIn`). */
  state: string;
  dueAt: string;
  at: string;
}

/** A table accepted a referral; the `RegieHandedOver` events for what it takes over follow it. */
export interface CaseReferralAccepted {
  type: 'CaseReferralAccepted';
  caseId: string;
  referralId: string;
  table: string;
  /** What the table takes over, as its configuration says (holders already in place included). */
  responsibilities: Responsibilities;
  decidedBy: CaseActor;
  actor: CaseActor;
  at: string;
}

/** A table returned a referral (or it could not be delivered); the case may be referred to it again. */
export interface CaseReferralReturned {
  type: 'CaseReferralReturned';
  caseId: string;
  referralId: string;
  table: string;
  reason: string;
  /** The tables app rejected the referral before it reached the table: not the table's answer (absent otherwise). */
  rejected?: true;
  decidedBy: CaseActor;
  actor: CaseActor;
  at: string;
}

/**
 * A notification a state raises on entry: `MayorInformed` (AVE 4) or `ReporterMayBeInformed` (Wvggz outcome,
 * only for an essentiële naaste). One event type per notification type, all with this payload.
 */
export interface CaseNotificationRaised {
  type: NotificationType;
  caseId: string;
  modelId: string;
  modelVersion: number;
  /** The state entered (for ReporterMayBeInformed: the outcome). */
  state: string;
  audience: string;
  reporterRelation: ReporterRelation | null;
  /**
   * ReporterMayBeInformed: the signals whose reporter (an essentiële naaste) may be told the outcome; the municipality
   * looks the reporter up in the intake's reporter vault. Absent for a case opened before they were recorded.
   */
  essentialRelativeSignalIds?: string[];
  at: string;
}

export interface CaseClosed {
  type: 'CaseClosed';
  caseId: string;
  /** The terminal state. */
  state: string;
  /** The state's retention class, when it has one (crypto-shredding schedule). */
  retentionClass: string | null;
  at: string;
}

/** Every case event, tagged by `type`. */
export type CaseEvent =
  | CaseOpened
  | CaseTransitioned
  | RegieHandedOver
  | SignalAddedToCase
  | CaseNoteAdded
  | CasePlanSet
  | CaseModelMigrated
  | CaseReferred
  | DeadlineOpened
  | DeadlinePaused
  | DeadlineResumed
  | DeadlineClosed
  | DeadlineApproachingMoved
  | DeadlineApproaching
  | DeadlineBreached
  | CaseNotificationRaised
  | CaseClosed
  | CaseReferralAccepted
  | CaseReferralReturned;

/** All case event type names (for contracts, topic routing and upcasters). */
export const CASE_EVENT_TYPES = [
  'CaseOpened',
  'CaseTransitioned',
  'RegieHandedOver',
  'SignalAddedToCase',
  'CaseNoteAdded',
  'CasePlanSet',
  'CaseModelMigrated',
  'CaseReferred',
  'DeadlineOpened',
  'DeadlinePaused',
  'DeadlineResumed',
  'DeadlineClosed',
  'DeadlineApproachingMoved',
  'DeadlineApproaching',
  'DeadlineBreached',
  'MayorInformed',
  'ReporterMayBeInformed',
  'CaseClosed',
  'CaseReferralAccepted',
  'CaseReferralReturned',
] as const satisfies readonly CaseEvent['type'][];
export type CaseEventType = (typeof CASE_EVENT_TYPES)[number];

/** Compile-time check that CASE_EVENT_TYPES lists every event type. */
type AssertNever<T extends never> = T;
type _AllCaseEventTypesListed = AssertNever<Exclude<CaseEvent['type'], CaseEventType>>;
