/*
 * Triage events, on the signal's own stream (`signal-<id>`, topic signaalroute.signals.v1, keyed by the
 * stream id, so they follow the signal's SignalReceived in order). `type` is the event type in the store and
 * on Kafka; the other properties are the payload. Links are events because statistics count unique
 * subjects as well as registrations (DOMAIN.md §2, §7).
 */

/** Payload schema version of the triage event types. */
export const SIGNAL_TRIAGE_EVENT_VERSION = 1;
export const SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE = 'SignalLinkedToSubject';
export const SIGNAL_DISMISSED_EVENT_TYPE = 'SignalDismissed';

/** The coordinator says this signal is about that subject (a repeat report joins its earlier ones). */
export interface SignalLinkedToSubject {
  type: typeof SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE;
  signalId: string;
  subjectId: string;
  /** The subject it was linked to before (a correction), or null for a first link. */
  previousSubjectId: string | null;
}

/** The coordinator decides the signal needs no further handling, and says why. */
export interface SignalDismissed {
  type: typeof SIGNAL_DISMISSED_EVENT_TYPE;
  signalId: string;
  /**
   * Why, trimmed, 5–2000 characters, sealed under the signal's data key (`pd1.…`): open it through the keyring
   * (it reads as null once the signal's personal data was erased or destroyed by retention). Events stored
   * before the reason was sealed hold it as plain text; the keyring passes plain text through unchanged.
   */
  reason: string;
}

export type SignalTriageEvent = SignalLinkedToSubject | SignalDismissed;

/** Event types {@link SignalTriageEvent} can have, for picking them out of a stream. */
export const SIGNAL_TRIAGE_EVENT_TYPES: readonly SignalTriageEvent['type'][] = [SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE, SIGNAL_DISMISSED_EVENT_TYPE];

/** True when an event type is one of the triage events. */
export function isSignalTriageEventType(type: string): type is SignalTriageEvent['type'] {
  return (SIGNAL_TRIAGE_EVENT_TYPES as readonly string[]).includes(type);
}
