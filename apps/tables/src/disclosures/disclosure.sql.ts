import { createHash } from 'node:crypto';
import { quoteIdent } from '#eventstore';

/** One disclosure: what left the municipality, to whom, on which basis. */
export interface Disclosure {
  /** `referral-<id>` or `escalation-<id>`. */
  subjectRef: string;
  /** Table id (`riec`, `politie`). */
  recipient: string;
  municipality: string;
  caseId: string;
  legalBasis: string;
  processingActivity: string;
  fields: readonly string[];
  payloadSha256: string;
  /** The event that carried the payload out. */
  eventId: string;
  disclosedAt: string;
}

/**
 * The disclosure id of the event that carried a payload out: derived from the event id (one disclosure per
 * event), so a replay of the log names every disclosure as the live register does.
 */
export function disclosureIdFor(eventId: string): string {
  const h = createHash('sha256').update(`disclosure:${eventId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/**
 * The disclosure as an insert for `EventStore.appendIn`'s `alsoInsert`: it commits in the same statement as
 * the event that carries the payload to the recipient, or not at all. Unique per (subject, recipient). The
 * replay of the `table-disclosures` projection writes its rows with the same statement into `table`.
 */
export function insertDisclosure(d: Disclosure, table = 'table_disclosures'): (param: (value: unknown) => string) => string {
  return (param) =>
    `INSERT INTO ${quoteIdent(table)} (disclosure_id, subject_ref, recipient, municipality, case_id, legal_basis, processing_activity, fields, payload_sha256, event_id, disclosed_at)
     VALUES (${param(disclosureIdFor(d.eventId))}::uuid, ${param(d.subjectRef)}, ${param(d.recipient)}, ${param(d.municipality)}, ${param(d.caseId)}, ${param(d.legalBasis)}, ${param(d.processingActivity)},
             ${param([...d.fields])}::text[], ${param(d.payloadSha256)}, ${param(d.eventId)}::uuid, ${param(d.disclosedAt)}::timestamptz)`;
}
