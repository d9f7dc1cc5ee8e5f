/** Event types of a referral's stream (`referral-<id>`) besides the outcomes in `REFERRAL_EVENT_TYPES`. */
export const REFERRAL_PUBLISHED = 'ReferralPublished';
export const REFERRAL_REMINDER_SENT = 'ReferralReminderSent';

/**
 * What a table receives on its topic: the referral's own facts and the case as its sharing profile allows
 * (`case` holds exactly the fields listed in `fields`). No case id: the table refers to the referral id.
 */
export interface ReferralPublishedPayload {
  referralId: string;
  table: string;
  municipality: string;
  caseType: string;
  referredAt: string;
  acceptBy: string;
  fields: string[];
  case: Record<string, unknown>;
}
