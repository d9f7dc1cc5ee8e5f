import type { ModelRole } from './model-role.js';

/**
 * An escalation model as data: a versioned document of states, transitions, deadlines, responsibility
 * holders, notifications and table referrals. Built-in models ship as such documents; a municipality
 * publishes its own the same way. Everything is `readonly`: a published version never changes, a change
 * is a new version. Check a definition with `validateModelDefinition` / `assertValidModel` before use.
 */
export interface ModelDefinition {
  /** Stable model id, kebab-case (`ave`, `7-stappenmodel`). */
  readonly id: string;
  /** Positive integer; a case is pinned to the version it was opened on. */
  readonly version: number;
  readonly title: string;
  readonly description: string;
  readonly states: readonly ModelState[];
  /** Id of the state a new case starts in; must not be terminal. */
  readonly initialState: string;
  readonly transitions: readonly ModelTransition[];
  readonly deadlines: readonly ModelDeadline[];
  /**
   * The municipalities (CBS codes, `GM0080`) this version is for; absent: every municipality (the built-ins).
   * A municipality fills in a model with its own protocols, so its version must not become another's: a case is
   * opened on, or moved to, only a version for its municipality, and without an explicit version gets the newest
   * one for it. Version numbers stay one sequence per model id, whoever a version is for.
   */
  readonly municipalities?: readonly string[];
}

/** The most municipalities a model version can be limited to (the Netherlands has fewer than 350). */
export const MAX_MODEL_MUNICIPALITIES = 500;

/** True when `def` is for `municipality`: it names no municipalities (it is for all), or names this one. */
export function modelAppliesTo(def: Pick<ModelDefinition, 'municipalities'>, municipality: string): boolean {
  return def.municipalities === undefined || def.municipalities.includes(municipality);
}

/** The four responsibilities AVE assigns per phase; other models use the same names. */
export const RESPONSIBILITY_KINDS = [
  'casusregie',
  'procesregie',
  'operationeleVerantwoordelijkheid',
  'bestuurlijkeVerantwoordelijkheid',
] as const;
export type ResponsibilityKind = (typeof RESPONSIBILITY_KINDS)[number];

/** True when `value` is one of {@link RESPONSIBILITY_KINDS}. */
export function isResponsibilityKind(value: unknown): value is ResponsibilityKind {
  return (RESPONSIBILITY_KINDS as readonly unknown[]).includes(value);
}

/**
 * Who holds each responsibility: an organisation or function name (`wijkteam`, `procesregisseur`, `zvh`,
 * `burgemeester`, `riec`). A kind left out keeps its previous holder when a case enters the state.
 */
export type Responsibilities = { readonly [K in ResponsibilityKind]?: string };

/** One state (phase, step) of a model. */
export interface ModelState {
  /** Kebab-case id, unique in the model. */
  readonly id: string;
  readonly title: string;
  /** A case that enters a terminal state is closed; terminal states have no outgoing transitions. */
  readonly terminal?: boolean;
  /** Holders set when a case enters this state (kinds left out keep their holder). */
  readonly responsibilities?: Responsibilities;
  /** Table ids a case may be referred to while in this state (`riec`, `zvh-casusoverleg`, `politie`). */
  readonly referrals?: readonly string[];
  /** Raised each time a case enters this state (see {@link NOTIFICATION_TYPES}). */
  readonly notifications?: readonly ModelNotification[];
  /** Terminal states only: how long the case's personal data is kept (e.g. `een-jaar-versleuteld-dan-vernietigen`). */
  readonly retentionClass?: string;
}

/**
 * Notifications the engine knows. Each becomes its own case event type, so consumers (the mayor's
 * office feed, the reporter-feedback step) subscribe to a name, not to a model's internals.
 */
export const NOTIFICATION_TYPES = ['MayorInformed', 'ReporterMayBeInformed'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** True when `value` is one of {@link NOTIFICATION_TYPES}. */
export function isNotificationType(value: unknown): value is NotificationType {
  return (NOTIFICATION_TYPES as readonly unknown[]).includes(value);
}

/** A notification raised on entering a state, optionally only when a guard holds. */
export interface ModelNotification {
  readonly type: NotificationType;
  /** Who is to be informed (`burgemeester`, `melder`); a label for the consumer, not an address. */
  readonly audience: string;
  /** Raised only when this holds; only case-level guards (`reporterRelationIs`) make sense here. */
  readonly when?: ModelGuard;
}

/**
 * A declarative guard: data, not code.
 * - `fieldEquals`: the transition's command carries `fields[field] === value`;
 * - `reporterRelationIs`: the case was opened with this reporter relation (e.g. `essentiele-naaste`).
 */
export type ModelGuard =
  | { readonly fieldEquals: { readonly field: string; readonly value: string | number | boolean } }
  | { readonly reporterRelationIs: string };

/** What a transition needs from the command. */
export interface TransitionRequirements {
  /** A non-blank reason text is required. */
  readonly reason?: boolean;
  /** When set, `reasonCategory` is required and must be one of these (AVE: stagnatie, complexiteit, veiligheid). */
  readonly reasonCategories?: readonly string[];
  /** Fields that must be present and non-blank in the command's `fields`. */
  readonly fields?: readonly string[];
}

/** A named move between states. Names are unique per model; this is what a user asks to take. */
export interface ModelTransition {
  /** Kebab-case name, unique in the model (`opschalen-ave-3`). */
  readonly name: string;
  /** States the transition may be taken from (at least one). */
  readonly from: readonly string[];
  readonly to: string;
  /** Roles that may take it (at least one). */
  readonly rolesAllowed: readonly ModelRole[];
  readonly requires?: TransitionRequirements;
  /** Fields the command may carry besides the required ones; any other field is refused (data minimisation). */
  readonly optionalFields?: readonly string[];
  readonly guard?: ModelGuard;
  /**
   * With `table-member` among the roles: the tables whose members may take it (`["riec"]`), each one a from-state
   * may refer the case to. A member acts through their table's accepted referral; without `tables`, a member of any
   * table the case was referred to in that state may.
   */
  readonly tables?: readonly string[];
}

/** Units a deadline duration can be expressed in. Working days follow the Algemene termijnenwet. */
export const DURATION_UNITS = ['calendar-days', 'working-days', 'hours'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];

/** A length of time, e.g. `{ amount: 14, unit: 'calendar-days' }`. `amount` is a positive integer. */
export interface ModelDuration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

/** From which moment a deadline counts. */
export const DEADLINE_STARTS = ['case-opened', 'state-entered', 'signal-received'] as const;
export type DeadlineStart = (typeof DEADLINE_STARTS)[number];

/**
 * A term that runs while a case is in `state` or one of `runsIn`: opened when the case enters one of them without
 * a running or paused instance of the term, kept (running) while the case moves among them, paused while the case
 * is in one of `pausedIn` (and resumed on return to any of them), closed when the case moves anywhere else.
 */
export interface ModelDeadline {
  /** Kebab-case id, unique in the model. */
  readonly id: string;
  /** The (non-terminal) state the term belongs to. */
  readonly state: string;
  readonly startsOn: DeadlineStart;
  readonly duration: ModelDuration;
  /** When set, a `DeadlineApproaching` is due this long before the deadline. */
  readonly approachingLeadTime?: ModelDuration;
  /**
   * Further non-terminal states in which the same term runs on, not paused (a term counted from the report that
   * runs from the first state on: Wvggz `ontvangen` with `runsIn: ['verkennend-onderzoek']`). Entering one of them
   * opens the term as entering `state` does; moving among `state` and these keeps the instance.
   */
  readonly runsIn?: readonly string[];
  /** Non-terminal states in which the term is paused (not counted) and from which it resumes on return. */
  readonly pausedIn?: readonly string[];
}

/** The states a deadline runs in (not paused): its `state` and its `runsIn`. */
export function deadlineRunsIn(deadline: Pick<ModelDeadline, 'state' | 'runsIn'>, stateId: string): boolean {
  return deadline.state === stateId || (deadline.runsIn ?? []).includes(stateId);
}

/** Whether a deadline applies in `stateId` at all: it runs there (`state`, `runsIn`) or is paused there (`pausedIn`). */
export function deadlineAppliesIn(deadline: Pick<ModelDeadline, 'state' | 'runsIn' | 'pausedIn'>, stateId: string): boolean {
  return deadlineRunsIn(deadline, stateId) || (deadline.pausedIn ?? []).includes(stateId);
}
