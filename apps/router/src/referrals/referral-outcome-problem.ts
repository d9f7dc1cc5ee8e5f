import { REFERRAL_EVENT_TYPES } from '#contracts';

const text = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const record = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const holders = (v: unknown): boolean => record(v) && Object.values(v).every(text);
const decider = (v: unknown): boolean => record(v) && text(v.id) && text(v.role);

/** The fields the router reads of each referral outcome it applies to a case, and what they must be. */
const READ_FIELDS: Readonly<Record<string, Readonly<Record<string, (v: unknown) => boolean>>>> = {
  [REFERRAL_EVENT_TYPES.accepted]: { caseId: text, referralId: text, responsibilities: holders, decidedBy: decider },
  [REFERRAL_EVENT_TYPES.returned]: { caseId: text, referralId: text, reason: (v) => typeof v === 'string', decidedBy: decider },
  [REFERRAL_EVENT_TYPES.rejected]: { caseId: text, referralId: text, reason: (v) => typeof v === 'string' },
};

/**
 * Why the router cannot apply this event from `signaalroute.referrals.v1` to a case (`"<field>: …"`), or null
 * when it can, or when it is an event the router does not apply (the overdue notice: information only).
 */
export function referralOutcomeProblem(type: unknown, payload: unknown): string | null {
  if (typeof type !== 'string' || !Object.hasOwn(READ_FIELDS, type)) return null;
  if (!record(payload)) return 'payload: missing or not an object';
  for (const [field, check] of Object.entries(READ_FIELDS[type]!)) {
    if (!check(payload[field])) return `${field}: missing or not what a ${type} carries`;
  }
  return null;
}
