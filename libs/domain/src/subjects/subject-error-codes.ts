/**
 * Stable codes of the business errors of the subject registry and of triage (as `DomainError.code`).
 * Details name fields, never the values sent: those are personal data (a BSN above all).
 */
export const SUBJECT_ERRORS = {
  /** No such subject in the signal's (or caller's) municipality. Same answer for "not yours". */
  NOT_FOUND: 'SUBJECT.NOT_FOUND',
  /** A required field is missing or blank, or a field has a malformed value (details: field). */
  FIELD_INVALID: 'SUBJECT.FIELD_INVALID',
  /** A field that does not belong to this kind of subject was sent (data minimisation; details: field, kind). */
  FIELD_NOT_FOR_KIND: 'SUBJECT.FIELD_NOT_FOR_KIND',
  /** `bsn` fails the 11-proef. */
  BSN_INVALID: 'SUBJECT.BSN_INVALID',
  /** A person with this BSN is registered already in the municipality (details: subjectId). */
  BSN_CONFLICT: 'SUBJECT.BSN_CONFLICT',
} as const;
export type SubjectErrorCode = (typeof SUBJECT_ERRORS)[keyof typeof SUBJECT_ERRORS];

/** Stable codes of the errors a triage command on a signal raises. */
export const TRIAGE_ERRORS = {
  /** No such signal in the caller's municipalities. */
  SIGNAL_NOT_FOUND: 'SIGNAL.NOT_FOUND',
  /** The signal was dismissed; it can be neither linked nor dismissed again. */
  ALREADY_DISMISSED: 'SIGNAL.ALREADY_DISMISSED',
  /** The signal is part of a case; it cannot be dismissed. */
  IN_CASE: 'SIGNAL.IN_CASE',
  /** The dismissal reason is missing, blank, or outside 5–2000 characters. */
  DISMISSAL_REASON_INVALID: 'SIGNAL.DISMISSAL_REASON_INVALID',
} as const;
export type TriageErrorCode = (typeof TRIAGE_ERRORS)[keyof typeof TRIAGE_ERRORS];
