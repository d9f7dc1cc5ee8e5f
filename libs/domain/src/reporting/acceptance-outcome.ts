/** A table's answer to a referral against its acceptance deadline, for reports. */
export type AcceptanceOutcome = 'withinDeadline' | 'afterDeadline' | 'openPastDeadline' | 'openWithinDeadline';

/** One referral as the acceptance figures need it: its status, the deadline and when the table answered. */
export interface ReferralAnswer {
  status: 'open' | 'accepted' | 'returned' | 'rejected';
  /** The acceptance deadline (null for a referral that was rejected before it reached the table). */
  acceptBy: string | null;
  /** When the table accepted or returned it (null while open). */
  decidedAt: string | null;
}

/**
 * Whether a table answered in time. A deadline is breached when the clock reaches `acceptBy`, so answering
 * at `acceptBy` or later is after the deadline; an open referral is past its deadline from `acceptBy` on.
 * Null for a referral without a deadline (rejected: it never reached the table).
 */
export function acceptanceOutcome(referral: ReferralAnswer, now: Date): AcceptanceOutcome | null {
  if (referral.status === 'rejected' || referral.acceptBy === null) return null;
  const due = Date.parse(referral.acceptBy);
  if (referral.status === 'open') return now.getTime() < due ? 'openWithinDeadline' : 'openPastDeadline';
  if (referral.decidedAt === null) throw new RangeError(`A ${referral.status} referral without its decision time`);
  return Date.parse(referral.decidedAt) < due ? 'withinDeadline' : 'afterDeadline';
}
