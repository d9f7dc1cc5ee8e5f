/**
 * Stable codes of the business errors intake raises (as `DomainError.code`). Error details name fields or
 * JSON paths, never the values that were sent: those may be personal data.
 */
export const SIGNAL_ERRORS = {
  /** An MMA payload carries a field that names a reporter; MMA tips are anonymous by law. */
  REPORTER_NOT_ALLOWED: 'SIGNAL.REPORTER_NOT_ALLOWED',
  /** An MMA payload nests deeper than can be checked for reporter fields, so it is refused (fail closed). */
  PAYLOAD_TOO_DEEP: 'SIGNAL.PAYLOAD_TOO_DEEP',
  /** `location.municipality` is not a CBS code (`GM` + 4 digits). */
  MUNICIPALITY_INVALID: 'SIGNAL.MUNICIPALITY_INVALID',
  /** `subject.bsn` fails the 11-proef. */
  BSN_INVALID: 'SIGNAL.BSN_INVALID',
  /** `receivedAt` or `subject.birthDate` is not a real date in the expected format. */
  DATE_INVALID: 'SIGNAL.DATE_INVALID',
  /** `receivedAt` or `subject.birthDate` lies after `now`. */
  DATE_IN_FUTURE: 'SIGNAL.DATE_IN_FUTURE',
  /** `subject.birthDate` is before 1900-01-01. */
  BIRTH_DATE_TOO_EARLY: 'SIGNAL.BIRTH_DATE_TOO_EARLY',
  /** A required field is missing or empty, or a field has the wrong type or an unknown value. */
  FIELD_INVALID: 'SIGNAL.FIELD_INVALID',
  /**
   * `externalRef` was used before, in the municipality and for the source, with another report: the report is not
   * stored (a resend of the same report gets the first receipt instead).
   */
  EXTERNAL_REF_REUSED: 'SIGNAL.EXTERNAL_REF_REUSED',
} as const;
export type SignalErrorCode = (typeof SIGNAL_ERRORS)[keyof typeof SIGNAL_ERRORS];
