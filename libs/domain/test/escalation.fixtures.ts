import { foldEscalation, raiseEscalation, type EscalationEvent, type EscalationPolicy, type EscalationState } from '../src/index.js';

/** When the test escalation is raised; `min(m)` is m minutes later. */
export const T0 = new Date('2025-06-02T10:00:00.000Z');
export const min = (m: number): Date => new Date(T0.getTime() + m * 60_000);
export const LIAISON = { id: 'agent-1', role: 'police-liaison' };

/** Three tiers: the duty liaison twice (15 minutes each), the backup (10), the team chief (30). */
export const POLICY: EscalationPolicy = {
  id: 'test',
  municipalities: ['GM0153'],
  tiers: [
    { id: 'dienstdoende-liaison', title: 'Dienstdoende', ackTimeoutMinutes: 15, repeat: 1 },
    { id: 'backup-liaison', title: 'Achterwacht', ackTimeoutMinutes: 10, repeat: 0 },
    { id: 'teamchef', title: 'Teamchef', ackTimeoutMinutes: 30, repeat: 0 },
  ],
};

/** An AVE 4 escalation raised at T0 under `policy` (none: the coordinator is alerted at once). */
export function raised(policy: EscalationPolicy | null = POLICY): { state: EscalationState; events: EscalationEvent[] } {
  const events = raiseEscalation({
    escalationId: 'esc-1',
    municipality: 'GM0153',
    caseType: 'ave',
    trigger: { kind: 'notification', detail: 'MayorInformed', state: 'ave-4' },
    policy,
    minimised: { fields: ['caseState'], data: { caseState: 'ave-4' } },
    now: T0,
  });
  return { state: foldEscalation(events), events };
}
