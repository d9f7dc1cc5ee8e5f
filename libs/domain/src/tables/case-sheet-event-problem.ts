import { NOTIFICATION_TYPES, RESPONSIBILITY_KINDS } from '../models/model-definition.js';
import { isModelRole } from '../models/model-role.js';

/*
 * The tables app reads case events from Kafka (`signaalroute.cases.v1`): an edge like any other. Before one is
 * applied to a case sheet, checked against the escalation triggers or turned into a referral, the fields those
 * read must be there with the right types; a malformed event would otherwise be stored as the case's state or
 * wipe its responsibility holders. Only what the tables app reads is checked, so an event with more fields (a
 * newer router) still passes. Case event types it does not read pass as they are.
 */

type Check = (value: unknown) => boolean;

const text: Check = (v) => typeof v === 'string' && v.length > 0;
const textOrEmpty: Check = (v) => typeof v === 'string';
const positiveInteger: Check = (v) => Number.isSafeInteger(v) && (v as number) >= 1;
const texts: Check = (v) => Array.isArray(v) && v.every(text);
const instant: Check = (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const responsibilities: Check = (v) =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.entries(v).every(([k, holder]) => (RESPONSIBILITY_KINDS as readonly string[]).includes(k) && typeof holder === 'string');
const responsibilityKind: Check = (v) => (RESPONSIBILITY_KINDS as readonly string[]).includes(v as string);
/** Who acted: a referral goes out under the actor who referred it (`ReferralPublished`'s envelope actor). */
const actor: Check = (v) => v !== null && typeof v === 'object' && text((v as Record<string, unknown>).id) && isModelRole((v as Record<string, unknown>).role);

/**
 * The fields each case event type must carry for the tables app, and what they must be: what the case sheet
 * takes (`evolveCaseSheet`), what the escalation triggers compare (`escalationTriggerOf`: a transition's `from` and
 * `to`, a notification's and a breached deadline's `state`) and what a referral goes out with (`ReferralPublisher`:
 * its `at` and `actor` too). A referral waiting for its signal facts is published by the batch that records the
 * last of them, so one that could not be would fail that batch: it is refused here, at its first delivery.
 */
const READ_FIELDS: Readonly<Record<string, Readonly<Record<string, Check>>>> = {
  CaseOpened: { municipality: text, modelId: text, modelVersion: positiveInteger, state: text, signalIds: texts, responsibilities, at: instant },
  CaseTransitioned: { from: text, to: text, responsibilities },
  RegieHandedOver: { responsibility: responsibilityKind, to: text },
  CaseModelMigrated: { modelId: text, toVersion: positiveInteger, toState: text, responsibilities },
  SignalAddedToCase: { signalId: text },
  CaseNoteAdded: { text: textOrEmpty, visibility: text, at: instant },
  CaseClosed: { state: text },
  CaseReferred: { referralId: text, table: text, reason: textOrEmpty, at: instant, actor },
  DeadlineBreached: { definitionId: text, state: text },
  ...Object.fromEntries(NOTIFICATION_TYPES.map((type) => [type, { state: text }])),
};

/**
 * Why the tables app cannot use this case event (`"<field>: missing or not …"`), or null when it can. `caseId`
 * must be a non-empty string for every case event.
 */
export function caseSheetEventProblem(type: string, payload: Readonly<Record<string, unknown>>): string | null {
  if (!text(payload.caseId)) return 'caseId: missing or not a non-empty string';
  const fields = Object.hasOwn(READ_FIELDS, type) ? READ_FIELDS[type]! : {};
  for (const [field, check] of Object.entries(fields)) {
    if (!check(payload[field])) return `${field}: missing or not what a ${type} carries`;
  }
  if (type === 'CaseTransitioned' && payload.modelId !== undefined && !text(payload.modelId)) return `modelId: not what a ${type} carries`;
  return null;
}
