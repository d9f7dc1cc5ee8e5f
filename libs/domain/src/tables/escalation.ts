import { DomainError } from '../shared/domain-error.js';
import { isBlankText } from '../shared/visible-text.js';
import type { EscalationTrigger } from './escalation-policy.js';
import { policeServes } from './police-region.js';
import type { EscalationPolicy, EscalationTier, TablesConfig } from './table-definition.js';

/*
 * A police escalation, decided by pure functions: raised with a policy's tiers pinned, each tier notified
 * (1 + repeat times) until someone acknowledges; no acknowledgement in time moves to the next tier; when
 * every tier is exhausted the coordinator is alerted (at once, for a municipality no police liaison serves; at the
 * next timeout, for one the police table stopped serving meanwhile). Liaisons then report back what the police did.
 * Every step is an event. Instants are ISO strings.
 */

export interface EscalationActor {
  id: string;
  role: string;
}

export interface EscalationRaised {
  type: 'EscalationRaised';
  escalationId: string;
  municipality: string;
  caseType: string;
  trigger: EscalationTrigger;
  policyId: string | null;
  tiers: EscalationTier[];
  /** The case as the police may see it (the `politie` sharing profile). */
  fields: string[];
  case: Record<string, unknown>;
  /**
   * Set when no police liaison can receive the escalation: the police table does not serve the municipality. It
   * then went to nobody at the police (no tiers, nothing of the case, no disclosure) and the coordinator was alerted
   * at once. Absent on every escalation that went to the police.
   */
  undelivered?: 'municipality-not-served';
  at: string;
}

export interface EscalationTierNotified {
  type: 'EscalationTierNotified';
  escalationId: string;
  municipality: string;
  tierIndex: number;
  tierId: string;
  tierTitle: string;
  /** 1 for the first notification of this tier, up to 1 + repeat. */
  attempt: number;
  ackDueAt: string;
  at: string;
}

export interface EscalationAckTimedOut {
  type: 'EscalationAckTimedOut';
  escalationId: string;
  municipality: string;
  tierIndex: number;
  tierId: string;
  attempt: number;
  at: string;
}

export interface EscalationAcknowledged {
  type: 'EscalationAcknowledged';
  escalationId: string;
  municipality: string;
  tierIndex: number;
  tierId: string | null;
  acknowledgedBy: EscalationActor;
  at: string;
}

export interface EscalationCoordinatorAlerted {
  type: 'EscalationCoordinatorAlerted';
  escalationId: string;
  municipality: string;
  /** Tier ids notified without an acknowledgement, in order. */
  tiersTried: string[];
  /**
   * Set when the tiers stopped because the police table no longer serves the municipality (the region changed while
   * the escalation waited: no liaison can acknowledge it any more). Absent when every tier ran out (or there were
   * none), and on the alert of an escalation raised `undelivered` (its `EscalationRaised` says why).
   */
  reason?: 'municipality-no-longer-served';
  at: string;
}

/**
 * Why an escalation is with the coordinator instead of a liaison:
 *  - `tiers-exhausted`: every tier was notified without an acknowledgement (or the policy had none);
 *  - `municipality-not-served`: raised `undelivered`: the police never received it;
 *  - `municipality-no-longer-served`: the police received it, then the police table stopped serving its municipality.
 */
export const COORDINATOR_ALERT_REASONS = ['tiers-exhausted', 'municipality-not-served', 'municipality-no-longer-served'] as const;
export type CoordinatorAlertReason = (typeof COORDINATOR_ALERT_REASONS)[number];

/** What the police did with an escalation, as a liaison reports it back to the municipality. */
export const POLICE_REPORT_OUTCOMES = ['in-behandeling', 'actie-ondernomen', 'geen-politieactie', 'overgedragen'] as const;
export type PoliceReportOutcome = (typeof POLICE_REPORT_OUTCOMES)[number];

export interface EscalationReportedBack {
  type: 'EscalationReportedBack';
  escalationId: string;
  municipality: string;
  outcome: PoliceReportOutcome;
  /** Free text about the case (sealed under the case's key where it is stored and published). */
  text: string;
  reportedBy: EscalationActor;
  at: string;
}

/**
 * The case as the police may see it, sent again once the facts of signals that had not reached the tables app
 * when the escalation was raised are known (the escalation does not wait for them). It replaces the raised
 * `fields` and `case`; the tiers, timers and acknowledgement are untouched.
 */
export interface EscalationCaseSupplemented {
  type: 'EscalationCaseSupplemented';
  escalationId: string;
  municipality: string;
  fields: string[];
  case: Record<string, unknown>;
  at: string;
}

export type EscalationEvent =
  | EscalationRaised
  | EscalationCaseSupplemented
  | EscalationTierNotified
  | EscalationAckTimedOut
  | EscalationAcknowledged
  | EscalationCoordinatorAlerted
  | EscalationReportedBack;

export const ESCALATION_EVENT_TYPES = [
  'EscalationRaised',
  'EscalationCaseSupplemented',
  'EscalationTierNotified',
  'EscalationAckTimedOut',
  'EscalationAcknowledged',
  'EscalationCoordinatorAlerted',
  'EscalationReportedBack',
] as const satisfies readonly EscalationEvent['type'][];

export interface EscalationData {
  escalationId: string;
  municipality: string;
  tiers: EscalationTier[];
  tierIndex: number;
  attempt: number;
  /** When the current tier's time to acknowledge runs out; null once nobody is waited for. */
  ackDueAt: string | null;
  acknowledgedBy: EscalationActor | null;
  acknowledgedAt: string | null;
  /** The latest report back (its text is in the event), or null before the first. */
  lastReport: { outcome: PoliceReportOutcome; at: string; by: string } | null;
  /**
   * Why the coordinator was alerted; null while a liaison is waited for. An escalation raised `undelivered` has it
   * from the raise (its alert is appended with it); a late acknowledgement keeps it.
   */
  alertReason: CoordinatorAlertReason | null;
  version: number;
}

export type EscalationState =
  | { status: 'none'; version: 0 }
  | ({ status: 'open' | 'acknowledged' | 'coordinator-alerted' } & EscalationData);

export const NO_ESCALATION: EscalationState = Object.freeze({ status: 'none', version: 0 }) as EscalationState;

export interface RaiseEscalationInput {
  escalationId: string;
  municipality: string;
  caseType: string;
  trigger: EscalationTrigger;
  policy: EscalationPolicy | null;
  minimised: { fields: string[]; data: Record<string, unknown> };
  now: Date;
}

const plusMinutes = (now: Date, minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();

/** Raising: the escalation and the first tier's notification, or the coordinator at once when there are no tiers. */
export function raiseEscalation(input: RaiseEscalationInput): EscalationEvent[] {
  const at = input.now.toISOString();
  const tiers = (input.policy?.tiers ?? []).map((t) => ({ ...t }));
  const raised: EscalationRaised = {
    type: 'EscalationRaised',
    escalationId: input.escalationId,
    municipality: input.municipality,
    caseType: input.caseType,
    trigger: { ...input.trigger },
    policyId: input.policy?.id ?? null,
    tiers,
    fields: [...input.minimised.fields],
    case: input.minimised.data,
    at,
  };
  const first = tiers[0];
  if (!first) return [raised, { type: 'EscalationCoordinatorAlerted', escalationId: input.escalationId, municipality: input.municipality, tiersTried: [], at }];
  return [raised, notify(input.escalationId, input.municipality, tiers, 0, 1, input.now)];
}

/**
 * Raising for a municipality the police table does not serve (`policeServes`): no liaison may see it, so no tier is
 * notified and nothing of the case goes to the police. It does not vanish: the escalation is recorded, marked
 * `undelivered`, and the coordinator is alerted at once (`tiersTried: []`) to reach the police another way.
 */
export function raiseUnservedEscalation(input: Omit<RaiseEscalationInput, 'policy' | 'minimised'>): EscalationEvent[] {
  const at = input.now.toISOString();
  return [
    {
      type: 'EscalationRaised',
      escalationId: input.escalationId,
      municipality: input.municipality,
      caseType: input.caseType,
      trigger: { ...input.trigger },
      policyId: null,
      tiers: [],
      fields: [],
      case: {},
      undelivered: 'municipality-not-served',
      at,
    },
    { type: 'EscalationCoordinatorAlerted', escalationId: input.escalationId, municipality: input.municipality, tiersTried: [], at },
  ];
}

/**
 * The timer: when the current tier's time ran out, the next step — the same tier again while it has
 * repeats left, else the next tier, else the coordinator. Nothing before the due time, and nothing for
 * an escalation that is acknowledged or already with the coordinator (safe to call at any time).
 * When the police table of `config` (the configuration running now) no longer serves the escalation's municipality,
 * no liaison can acknowledge it: the coordinator is alerted at this timeout (`reason`), instead of notifying
 * tiers nobody can answer until they run out.
 */
export function decideEscalationTimeout(state: EscalationState, now: Date, config: TablesConfig): EscalationEvent[] {
  if (state.status !== 'open' || state.ackDueAt === null || now.getTime() < Date.parse(state.ackDueAt)) return [];
  const tier = state.tiers[state.tierIndex]!;
  const at = now.toISOString();
  const timedOut: EscalationAckTimedOut = {
    type: 'EscalationAckTimedOut',
    escalationId: state.escalationId,
    municipality: state.municipality,
    tierIndex: state.tierIndex,
    tierId: tier.id,
    attempt: state.attempt,
    at,
  };
  if (!policeServes(config, state.municipality)) {
    const tiersTried = state.tiers.slice(0, state.tierIndex + 1).map((t) => t.id);
    return [timedOut, { type: 'EscalationCoordinatorAlerted', escalationId: state.escalationId, municipality: state.municipality, tiersTried, reason: 'municipality-no-longer-served', at }];
  }
  if (state.attempt <= tier.repeat) return [timedOut, notify(state.escalationId, state.municipality, state.tiers, state.tierIndex, state.attempt + 1, now)];
  if (state.tierIndex + 1 < state.tiers.length) return [timedOut, notify(state.escalationId, state.municipality, state.tiers, state.tierIndex + 1, 1, now)];
  return [timedOut, { type: 'EscalationCoordinatorAlerted', escalationId: state.escalationId, municipality: state.municipality, tiersTried: state.tiers.map((t) => t.id), at }];
}

/**
 * A liaison acknowledges. Acknowledging again changes nothing; a late acknowledgement (after the
 * coordinator was alerted) is still recorded. Who may acknowledge (municipality scope) is the caller's check.
 * @throws DomainError `ESCALATION.NOT_FOUND` for an escalation that does not exist
 */
/**
 * Whether the police received the escalation: not one raised `undelivered` (the `politie` table did not serve its
 * municipality then). Such an escalation stays the coordinator's also when the region later grows to take the
 * municipality in: the police never got it, so no liaison sees, acknowledges or reports on it.
 */
export function policeReceived(state: Pick<EscalationData, 'alertReason'>): boolean {
  return state.alertReason !== 'municipality-not-served';
}

export function decideEscalationAck(state: EscalationState, by: EscalationActor, now: Date): EscalationEvent[] {
  if (state.status === 'none' || !policeReceived(state)) throw new DomainError('ESCALATION.NOT_FOUND', 'No such escalation');
  if (state.status === 'acknowledged') return [];
  return [
    {
      type: 'EscalationAcknowledged',
      escalationId: state.escalationId,
      municipality: state.municipality,
      tierIndex: state.tierIndex,
      tierId: state.tiers[state.tierIndex]?.id ?? null,
      acknowledgedBy: { id: by.id, role: by.role },
      at: now.toISOString(),
    },
  ];
}

export interface EscalationReport {
  outcome: PoliceReportOutcome;
  text: string;
}

/**
 * A liaison reports back what the police did. Each report is an event of its own (the last one is what the
 * escalation shows); a report on an escalation nobody acknowledged yet acknowledges it first, for the tier
 * waiting now, which stops the tier timer. Who may report (municipality scope) is the caller's check.
 * @throws DomainError `ESCALATION.NOT_FOUND`, `ESCALATION.REPORT_OUTCOME_UNKNOWN`, `ESCALATION.REPORT_TEXT_REQUIRED`
 */
export function decideEscalationReport(state: EscalationState, report: EscalationReport, by: EscalationActor, now: Date): EscalationEvent[] {
  if (state.status === 'none' || !policeReceived(state)) throw new DomainError('ESCALATION.NOT_FOUND', 'No such escalation');
  if (!(POLICE_REPORT_OUTCOMES as readonly string[]).includes(report.outcome)) {
    throw new DomainError('ESCALATION.REPORT_OUTCOME_UNKNOWN', `outcome must be one of ${POLICE_REPORT_OUTCOMES.join(', ')}`, { outcomes: [...POLICE_REPORT_OUTCOMES] });
  }
  const text = report.text.trim();
  if (isBlankText(text)) throw new DomainError('ESCALATION.REPORT_TEXT_REQUIRED', 'A report back needs a text: what the police did, or why not');
  const reported: EscalationReportedBack = {
    type: 'EscalationReportedBack',
    escalationId: state.escalationId,
    municipality: state.municipality,
    outcome: report.outcome,
    text,
    reportedBy: { id: by.id, role: by.role },
    at: now.toISOString(),
  };
  return [...decideEscalationAck(state, by, now), reported];
}

/**
 * The police gets the case again, complete: the facts of the signals the escalation was raised without have
 * arrived. Whatever the escalation's status (an acknowledged one still needs them to act on).
 * @throws DomainError `ESCALATION.NOT_FOUND` for an escalation that does not exist
 */
export function decideEscalationSupplement(state: EscalationState, minimised: { fields: string[]; data: Record<string, unknown> }, now: Date): EscalationEvent[] {
  if (state.status === 'none') throw new DomainError('ESCALATION.NOT_FOUND', 'No such escalation');
  return [{ type: 'EscalationCaseSupplemented', escalationId: state.escalationId, municipality: state.municipality, fields: [...minimised.fields], case: minimised.data, at: now.toISOString() }];
}

/** Applies one event (the input is not changed); every event adds 1 to `version`. */
export function evolveEscalation(state: EscalationState, event: EscalationEvent): EscalationState {
  const version = state.version + 1;
  if (event.type === 'EscalationRaised') {
    if (state.status !== 'none') throw new RangeError('EscalationRaised on an existing escalation');
    return {
      status: 'open',
      escalationId: event.escalationId,
      municipality: event.municipality,
      tiers: event.tiers.map((t) => ({ ...t })),
      tierIndex: 0,
      attempt: 0,
      ackDueAt: null,
      acknowledgedBy: null,
      acknowledgedAt: null,
      lastReport: null,
      alertReason: event.undelivered ?? null,
      version,
    };
  }
  if (state.status === 'none') throw new RangeError(`${event.type} on an escalation that does not exist`);
  switch (event.type) {
    case 'EscalationTierNotified':
      return { ...state, tierIndex: event.tierIndex, attempt: event.attempt, ackDueAt: event.ackDueAt, version };
    case 'EscalationAckTimedOut':
      return { ...state, ackDueAt: null, version };
    case 'EscalationAcknowledged':
      return { ...state, status: 'acknowledged', ackDueAt: null, acknowledgedBy: { ...event.acknowledgedBy }, acknowledgedAt: event.at, version };
    case 'EscalationCoordinatorAlerted':
      return { ...state, status: 'coordinator-alerted', ackDueAt: null, alertReason: event.reason ?? state.alertReason ?? 'tiers-exhausted', version };
    case 'EscalationReportedBack':
      return { ...state, lastReport: { outcome: event.outcome, at: event.at, by: event.reportedBy.id }, version };
    case 'EscalationCaseSupplemented':
      return { ...state, version };
    default:
      return assertNever(event);
  }
}

/** Rebuilds an escalation from its events, oldest first. */
export function foldEscalation(events: Iterable<EscalationEvent>, from: EscalationState = NO_ESCALATION): EscalationState {
  let state = from;
  for (const e of events) state = evolveEscalation(state, e);
  return state;
}

function notify(escalationId: string, municipality: string, tiers: readonly EscalationTier[], tierIndex: number, attempt: number, now: Date): EscalationTierNotified {
  const tier = tiers[tierIndex]!;
  return {
    type: 'EscalationTierNotified',
    escalationId,
    municipality,
    tierIndex,
    tierId: tier.id,
    tierTitle: tier.title,
    attempt,
    ackDueAt: plusMinutes(now, tier.ackTimeoutMinutes),
    at: now.toISOString(),
  };
}

function assertNever(value: never): never {
  throw new RangeError(`Unknown escalation event: ${JSON.stringify(value)}`);
}
