/**
 * Topics and event contracts of the tables app (apps/tables). Other apps integrate with it only through
 * these: the router applies the referral outcomes to the case (`ApplyReferralOutcome`), police systems read
 * the liaison topic, each table reads its own topic.
 */
export const REFERRAL_TOPICS = {
  /** One topic per table: the minimised referral (`ReferralPublished`) and reminders. Keyed `referral-<id>`. */
  table: (tableId: string): string => `signaalroute.tables.${tableId}.v1`,
  /** The municipality's side of referrals: outcomes, rejections, overdue notices. Keyed `referral-<id>`. */
  referrals: 'signaalroute.referrals.v1',
  /** Police escalations, every step. Keyed `escalation-<id>`. */
  liaisonEscalations: 'signaalroute.liaison.escalations.v1',
} as const;

/** A table member (or the tables app itself) who decided on a referral. */
export interface ReferralDecider {
  id: string;
  role: string;
}

/** `ReferralAccepted` on `signaalroute.referrals.v1`: the table takes over `responsibilities`. */
export interface ReferralAcceptedPayload {
  referralId: string;
  caseId: string;
  table: string;
  municipality: string;
  /** What the table takes over, from its configuration (`{ procesregie: 'zvh' }`; may be empty). */
  responsibilities: Record<string, string>;
  decidedBy: ReferralDecider;
  at: string;
}

/** `ReferralReturned` on `signaalroute.referrals.v1`: the table sends the case back with a reason. */
export interface ReferralReturnedPayload {
  referralId: string;
  caseId: string;
  table: string;
  municipality: string;
  reason: string;
  decidedBy: ReferralDecider;
  at: string;
}

/**
 * `ReferralRejected` on `signaalroute.referrals.v1`: the referral could not be delivered (the table is not
 * configured, does not serve the municipality, or has no sharing profile for the case type; or building or
 * publishing it failed and it went to the dead letters). Nothing was shared; apply it as a return.
 */
export interface ReferralRejectedPayload {
  referralId: string;
  caseId: string;
  table: string;
  municipality: string;
  rejection: 'table-unknown' | 'municipality-not-served' | 'no-sharing-profile' | 'not-deliverable';
  reason: string;
  at: string;
}

/** Event types on `signaalroute.referrals.v1`. */
export const REFERRAL_EVENT_TYPES = {
  accepted: 'ReferralAccepted',
  returned: 'ReferralReturned',
  rejected: 'ReferralRejected',
  overdue: 'ReferralAcceptanceOverdue',
} as const;
