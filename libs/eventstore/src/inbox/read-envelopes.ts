import type { EventEnvelope } from '#contracts';
import type { IncomingMessage } from '#messaging';

/**
 * The event envelopes of a batch of Kafka messages, in order. A message that is not JSON, or is JSON but not an
 * event envelope (no string `id`, `type` and `streamId`, no object `payload`: `{}`, `null`, a foreign producer's
 * record), is handed to `onUnreadable`, which may throw (`MalformedMessageError`: the consumer's dead-lettering
 * records it at once and the partition moves on) or return (the message is skipped); consumers may rely on those
 * fields. A tombstone (an empty value: a key deleted under compaction) is no event and is skipped without a word. A copy of an event earlier in the batch (at-least-once
 * delivery: a relay round published again lands next to the first) is dropped, the first kept: the inbox claims
 * ids, so two copies in one batch would both count as unseen and be applied twice — and a late copy after a
 * later event would set state back.
 */
export function readEnvelopes(batch: readonly IncomingMessage[], onUnreadable: (message: IncomingMessage) => void): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  const seen = new Set<string>();
  for (const message of batch) {
    if (message.value.length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(message.value.toString('utf8'));
    } catch {
      onUnreadable(message);
      continue;
    }
    if (!isEnvelope(value)) onUnreadable(message);
    else if (!seen.has(value.id)) {
      seen.add(value.id);
      events.push(value);
    }
  }
  return events;
}

function isEnvelope(value: unknown): value is EventEnvelope {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.id === 'string' && typeof v.type === 'string' && typeof v.streamId === 'string' && v.payload !== null && typeof v.payload === 'object' && !Array.isArray(v.payload);
}
