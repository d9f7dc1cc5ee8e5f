import { randomUUID } from 'node:crypto';

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
 * The disclosure as an insert for `EventStore.appendIn`'s `alsoInsert`: it commits in the same statement as
 * the event that carries the payload to the recipient, or not at all. Unique per (subject, recipient).
 */
export function insertDisclosure(d: Disclosure): (param: (value: unknown) => string) => string {
  return (param) =>
    `INSERT INTO table_disclosures (disclosure_id, subject_ref, recipient, municipality, case_id, legal_basis, processing_activity, fields, payload_sha256, event_id, disclosed_at)
     VALUES (${param(randomUUID())}::uuid, ${param(d.subjectRef)}, ${param(d.recipient)}, ${param(d.municipality)}, ${param(d.caseId)}, ${param(d.legalBasis)}, ${param(d.processingActivity)},
             ${param([...d.fields])}::text[], ${param(d.payloadSha256)}, ${param(d.eventId)}::uuid, ${param(d.disclosedAt)}::timestamptz)`;
}
