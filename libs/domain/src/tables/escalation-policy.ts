import type { EscalationPolicy, EscalationTriggers, TablesConfig } from './table-definition.js';

/** The escalation policy of a municipality: its own, else the `'*'` policy, else null (no tiers). */
export function policyFor(config: TablesConfig, municipality: string): EscalationPolicy | null {
  const policies = config.escalation.policies;
  return policies.find((p) => p.municipalities !== '*' && p.municipalities.includes(municipality)) ?? policies.find((p) => p.municipalities === '*') ?? null;
}

/** Why a case goes to the police. */
export interface EscalationTrigger {
  kind: 'notification' | 'transition' | 'deadline-breached';
  /** The notification type, the state entered, or the deadline definition id. */
  detail: string;
  /** The case's state when it happened. */
  state: string;
}

/** The parts of a case event the triggers look at (envelope type + payload). */
export interface TriggerCandidate {
  type: string;
  payload: Record<string, unknown>;
  /** The case's model id (deadline events do not carry it). */
  modelId: string;
}

/** Whether a case event escalates to the police under `triggers`, and why; null when it does not. */
export function escalationTriggerOf(triggers: EscalationTriggers, event: TriggerCandidate): EscalationTrigger | null {
  const p = event.payload;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  if (triggers.notifications.includes(event.type)) {
    return { kind: 'notification', detail: event.type, state: str(p.state) };
  }
  if (event.type === 'CaseTransitioned' && p.from !== p.to) {
    const modelId = str(p.modelId) || event.modelId;
    if (triggers.transitions.some((t) => t.modelId === modelId && t.to === p.to)) return { kind: 'transition', detail: str(p.to), state: str(p.to) };
  }
  if (event.type === 'DeadlineBreached') {
    const definitionId = str(p.definitionId);
    if (triggers.deadlinesBreached.some((d) => d.modelId === event.modelId && (d.definitionId === undefined || d.definitionId === definitionId))) {
      return { kind: 'deadline-breached', detail: definitionId, state: str(p.state) };
    }
  }
  return null;
}

/** A short Dutch description of a trigger, shared with the police as the escalation's reason. */
export function escalationReason(trigger: EscalationTrigger): string {
  switch (trigger.kind) {
    case 'notification':
      return trigger.detail === 'MayorInformed' ? `Situatie totaal geëscaleerd (${trigger.state}): burgemeester geïnformeerd` : `Melding ${trigger.detail} (${trigger.state})`;
    case 'transition':
      return `Casus naar ${trigger.state}: actie van de politie nodig`;
    case 'deadline-breached':
      return `Termijn ${trigger.detail} overschreden (${trigger.state})`;
    default:
      return assertNever(trigger.kind);
  }
}

function assertNever(value: never): never {
  throw new RangeError(`Unknown trigger kind: ${String(value)}`);
}
