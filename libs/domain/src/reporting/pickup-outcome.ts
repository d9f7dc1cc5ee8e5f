/**
 * The pickup term of the undermining intake: the deadline that runs while a case of `ondermijning-intake`
 * waits in `ontvangst` (the CCV modelprotocol's pickup term, 7 days by default).
 */
export const PICKUP_TERM = { model: 'ondermijning-intake', state: 'ontvangst' } as const;

/** The pickup deadline of one case: when it was due, and when the case left the state (null while it waits). */
export interface PickupDeadline {
  dueAt: string;
  leftAt: string | null;
}

export type PickupOutcome = 'withinDeadline' | 'afterDeadline' | 'waiting';

/**
 * Whether a case was picked up in time. A deadline is breached when the clock reaches `dueAt`, so leaving at
 * `dueAt` or later is after the deadline; a case that has not left is still waiting.
 */
export function pickupOutcome(deadline: PickupDeadline): PickupOutcome {
  if (deadline.leftAt === null) return 'waiting';
  return Date.parse(deadline.leftAt) < Date.parse(deadline.dueAt) ? 'withinDeadline' : 'afterDeadline';
}
