/**
 * Event-store stream id of a signal (the same id intake uses: triage events follow the signal's
 * `SignalReceived` on its own stream, so they share its Kafka key and order).
 */
export const signalStreamId = (signalId: string): string => `signal-${signalId}`;

/** True for a canonical UUID (ids from URLs and messages are checked before they reach a `::uuid` cast). */
export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
