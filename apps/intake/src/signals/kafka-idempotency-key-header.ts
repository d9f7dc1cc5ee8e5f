import type { IncomingMessage } from '#messaging';

const NAME = 'idempotency-key';

/**
 * A Kafka message's `idempotency-key` header as the HTTP route would see its `Idempotency-Key`: the name in any case
 * (header names are case-insensitive in HTTP, and a sender who follows the HTTP documentation writes
 * `Idempotency-Key`; read case-sensitively, its key was silently ignored and a resend became a second signal), and
 * a list when it was given more than once, repeated or in two spellings, which `idempotencyKeyHeader` refuses as it
 * refuses a repeated HTTP header: which of two keys speaks for the message is not for the intake to choose.
 */
export function kafkaIdempotencyKeyHeader(message: Pick<IncomingMessage, 'headers' | 'repeatedHeaders'>): string | string[] | undefined {
  const names = Object.keys(message.headers).filter((name) => name.toLowerCase() === NAME);
  if (names.length === 0) return undefined;
  const repeated = (message.repeatedHeaders ?? []).some((name) => name.toLowerCase() === NAME);
  const values = names.map((name) => message.headers[name]!);
  return names.length === 1 && !repeated ? values[0]! : [...values, ...(repeated ? values : [])];
}
