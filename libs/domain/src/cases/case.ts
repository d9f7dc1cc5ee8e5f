import type { ModelRole } from '../models/model-role.js';
import type { DeadlineStart, Responsibilities } from '../models/model-definition.js';
import type { ReporterRelation } from '../signals/reporter-relation.js';
import type { PlanMeasure } from './plan-measure.js';

/** Who acted: the token subject and role (the same shape as the envelope's actor). */
export interface CaseActor {
  id: string;
  role: ModelRole;
}

/** The model version a case is pinned to. */
export interface PinnedModel {
  id: string;
  version: number;
}

/** Who may read a note: `intern` stays with the municipality; `deelbaar` may go to a table (sharing profile permitting). */
export const NOTE_VISIBILITIES = ['intern', 'deelbaar'] as const;
export type NoteVisibility = (typeof NOTE_VISIBILITIES)[number];

/** Why a transition's reason was not stored: `erased`, the case's personal data (its data key) had been erased. */
export type ReasonWithheld = 'erased';

/** A running (or paused) term of the case. Instants are ISO 8601 strings (UTC). */
export interface CaseDeadline {
  /** Id of this deadline instance (a state re-entered later gets a new one); the timer refers to it. */
  deadlineId: string;
  /** The model's deadline id. */
  definitionId: string;
  /** The state the case entered when the term opened: the deadline's `state`, or one of its `runsIn`. */
  state: string;
  startsOn: DeadlineStart;
  startedAt: string;
  dueAt: string;
  approachingAt: string | null;
  status: 'running' | 'paused';
  pausedAt: string | null;
  /**
   * Working-day terms only: the municipality's closing days its due moment was counted with, within the stretch
   * counted (after its start day, or the day it last resumed, up to and including its due day). A resume counts the
   * working days the term had left with these, not with the calendar of that moment. Absent when there were none.
   */
  closingDays?: string[];
  approachingRecorded: boolean;
  breachedRecorded: boolean;
}

export interface CaseNote {
  noteId: string;
  text: string;
  visibility: NoteVisibility;
  actor: CaseActor;
  at: string;
}

export interface CasePlan {
  measures: PlanMeasure[];
  setBy: CaseActor;
  at: string;
}

export interface CaseReferral {
  referralId: string;
  table: string;
  /** The state the case was in when referred. */
  state: string;
  reason: string;
  actor: CaseActor;
  at: string;
  /** `stateEnteredAtVersion` at the time: tells repeated referrals within one stay in a state apart. */
  stateVisit: number;
  /**
   * Set once the table decided (absent while it has not): a returned referral may be made again. `rejected`: the
   * tables app refused it before it reached the table (e.g. the table does not serve the municipality); it may be
   * made again too.
   */
  outcome?: 'accepted' | 'returned' | 'rejected';
}

/** What an open or closed case knows. Rebuilt from events by `evolveCase`; JSON-safe (no Dates). */
export interface CaseData {
  caseId: string;
  /** CBS code of the owning municipality. */
  municipality: string;
  model: PinnedModel;
  currentState: string;
  stateEnteredAt: string;
  /** Case version right after the state was entered. */
  stateEnteredAtVersion: number;
  openedAt: string;
  subjectId: string | null;
  /**
   * The reporter relation that counts for guards and notifications: `essentiele-naaste` as soon as a zorgmelding by an
   * essentiële naaste is in the case, else the relation the case was opened with.
   */
  reporterRelation: ReporterRelation | null;
  /**
   * The case's zorgmeldingen by an essentiële naaste: under the Wvggz only their reporters may be told the outcome.
   * Absent when there are none (and for cases opened before they were recorded: then only `reporterRelation` says so).
   */
  essentialRelativeSignalIds?: string[];
  /** When the earliest signal was received; the start of `signal-received` deadlines. */
  signalReceivedAt: string;
  signalIds: string[];
  /** Current holders: the state's holders, overridden by regie handovers. */
  responsibilities: Responsibilities;
  deadlines: CaseDeadline[];
  notes: CaseNote[];
  plan: CasePlan | null;
  referrals: CaseReferral[];
  /** Number of events in the case's stream; the `If-Match` version. */
  version: number;
}

/** The case aggregate, tagged by `status`. */
export type CaseState =
  | { status: 'none'; version: 0 }
  | ({ status: 'open' } & CaseData)
  | ({ status: 'closed'; closedAt: string; retentionClass: string | null } & CaseData);

export type OpenCaseState = Extract<CaseState, { status: 'open' }>;
export type ClosedCaseState = Extract<CaseState, { status: 'closed' }>;

/** The state of a case id before its first event. */
export const NO_CASE: CaseState = Object.freeze({ status: 'none', version: 0 }) as CaseState;
