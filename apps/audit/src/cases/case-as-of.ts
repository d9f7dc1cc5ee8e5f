import type { EventEnvelope } from '#contracts';
import { DomainError, evolveCase, NO_CASE, transitionFieldsAsGiven, type CaseEvent, type CaseState } from '#domain';

/** Stream of a case in the event store (the router's convention: `case-<case id>`). */
export { caseStreamId } from '#contracts';

/** One entry of a case's decision trail: what happened, on which model version, by whom, why, with what. */
export interface DecisionTrailEntry {
  version: number;
  type: string;
  /** When the decision was taken (the decider's clock). */
  at: string | null;
  /** When the ledger recorded it. */
  recordedAt: string;
  actor: { id: string; role: string };
  model: { id: string; version: number } | null;
  transition: string | null;
  from: string | null;
  to: string | null;
  reason: string | null;
  /** `erased`: a transition's reason was given but not stored, the case's personal data having been erased; else null. */
  reasonWithheld: string | null;
  reasonCategory: string | null;
  /**
   * The rest of the event: the decision's inputs (transition fields, mappings, measures, …). A transition's fields
   * read as given, null once the case's personal data was erased; `fieldsWithheld: 'erased'` when they were given after.
   */
  inputs: Record<string, unknown>;
  /** The event's hash: ties the entry to the verified ledger. */
  hash: string;
}

export interface CaseAsOf {
  caseId: string;
  asOf: string;
  /** Events the ledger held at `asOf` (the case's version then). */
  version: number;
  state: {
    status: 'open' | 'closed';
    municipality: string;
    model: { id: string; version: number };
    currentState: string;
    stateEnteredAt: string;
    openedAt: string;
    closedAt: string | null;
    responsibilities: Record<string, unknown>;
    openDeadlines: unknown[];
    signalIds: string[];
    /** The registered subject (person, address, business or group) the case was about then, if any. */
    subjectId: string | null;
    referrals: unknown[];
    plan: unknown;
  };
  decisionTrail: DecisionTrailEntry[];
}

/**
 * The case as of, once the keyring opened it, with each transition's field values as given: the ones that are no
 * text were sealed as JSON (`transitionFieldsAsGiven`).
 */
export function inputsAsGiven<T extends Pick<CaseAsOf, 'decisionTrail'>>(opened: T): T {
  return {
    ...opened,
    decisionTrail: opened.decisionTrail.map((entry) => (entry.type === 'CaseTransitioned' && 'fields' in entry.inputs ? { ...entry, inputs: { ...entry.inputs, fields: transitionFieldsAsGiven(entry.inputs.fields) } } : entry)),
  };
}

const BOOKKEEPING = new Set(['caseId', 'actor', 'at', 'modelId', 'modelVersion', 'transition', 'from', 'to', 'reason', 'reasonWithheld', 'reasonCategory']);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/**
 * The case as the system knew it at `asOf`: every event the ledger had recorded by then (recordedAt ≤
 * asOf — a later correction does not rewrite what was known), folded with the domain's `evolveCase`, and
 * the decision trail of those events.
 * @throws DomainError `CASE.NOT_FOUND`, `VALIDATION.AS_OF_IN_FUTURE`, `VALIDATION.AS_OF_BEFORE_CASE`, `AUDIT.CASE_STREAM_CORRUPT`
 */
export function reconstructCase(caseId: string, events: readonly EventEnvelope[], asOf: Date, now: Date): CaseAsOf {
  if (events.length === 0) throw new DomainError('CASE.NOT_FOUND', 'No such case');
  if (asOf.getTime() > now.getTime()) throw new DomainError('VALIDATION.AS_OF_IN_FUTURE', '`asOf` lies in the future', { now: now.toISOString() });
  const known: EventEnvelope[] = [];
  for (const e of events) {
    if (Date.parse(e.recordedAt) > asOf.getTime()) break;
    known.push(e);
  }
  if (known.length === 0) {
    throw new DomainError('VALIDATION.AS_OF_BEFORE_CASE', 'The case did not exist yet at `asOf`', { firstRecordedAt: events[0]!.recordedAt });
  }
  let state: CaseState = NO_CASE;
  const decisionTrail: DecisionTrailEntry[] = [];
  for (const e of known) {
    const event = { type: e.type, ...e.payload } as unknown as CaseEvent;
    try {
      state = evolveCase(state, event);
    } catch (error) {
      throw new DomainError('AUDIT.CASE_STREAM_CORRUPT', 'The case stream cannot be replayed', { version: e.streamVersion, reason: error instanceof Error ? error.message : String(error) });
    }
    const p = e.payload;
    const model = state.status === 'none' ? null : { id: str(p.modelId) ?? state.model.id, version: typeof p.modelVersion === 'number' ? p.modelVersion : state.model.version };
    decisionTrail.push({
      version: e.streamVersion,
      type: e.type,
      at: str(p.at),
      recordedAt: e.recordedAt,
      actor: e.actor,
      model,
      transition: str(p.transition),
      // A transition's or handover's from/to; a migration's states are fromState/toState.
      from: str(p.from) ?? str(p.fromState),
      to: str(p.to) ?? str(p.toState),
      reason: str(p.reason),
      reasonWithheld: str(p.reasonWithheld),
      reasonCategory: str(p.reasonCategory),
      inputs: Object.fromEntries(Object.entries(p).filter(([k]) => !BOOKKEEPING.has(k))),
      hash: e.hash,
    });
  }
  if (state.status === 'none') throw new DomainError('AUDIT.CASE_STREAM_CORRUPT', 'The case stream does not open a case');
  return {
    caseId,
    asOf: asOf.toISOString(),
    version: state.version,
    state: {
      status: state.status,
      municipality: state.municipality,
      model: { ...state.model },
      currentState: state.currentState,
      stateEnteredAt: state.stateEnteredAt,
      openedAt: state.openedAt,
      closedAt: state.status === 'closed' ? state.closedAt : null,
      responsibilities: { ...state.responsibilities },
      openDeadlines: state.deadlines,
      signalIds: state.signalIds,
      subjectId: state.subjectId,
      referrals: state.referrals,
      plan: state.plan,
    },
    decisionTrail,
  };
}
