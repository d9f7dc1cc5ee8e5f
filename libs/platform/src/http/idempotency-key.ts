import { DomainError } from '#domain';

/** An idempotency key as clients may give it (HTTP `Idempotency-Key`, Kafka `idempotency-key` header). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export const isValidIdempotencyKey = (key: string): boolean => IDEMPOTENCY_KEY.test(key);

export const invalidIdempotencyKey = (): DomainError =>
  new DomainError('VALIDATION.IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1–200 visible ASCII characters');

/** An `Idempotency-Key` header as given (undefined when absent); one that is not a valid key is refused. */
export function idempotencyKeyHeader(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !isValidIdempotencyKey(header)) throw invalidIdempotencyKey();
  return header;
}
