import type { EventEnvelope } from '#contracts';
import type { IncomingMessage } from '#messaging';

/**
 * The event envelopes of a batch of Kafka messages, in order. A message that is not JSON is skipped and
 * handed to `onUnreadable` (to log it): one bad message must not stop a consumer's partition.
 */
export function readEnvelopes(batch: readonly IncomingMessage[], onUnreadable: (message: IncomingMessage) => void): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  for (const message of batch) {
    try {
      events.push(JSON.parse(message.value.toString('utf8')) as EventEnvelope);
    } catch {
      onUnreadable(message);
    }
  }
  return events;
}
