/**
 * A consumed message that can never be applied: not an event envelope, or an event without the fields its
 * consumer reads. Delivering it again cannot help, so `deadLetteringBatch` records it in `dead_letters` at once
 * (no retries) and the partition moves on; nothing of it was applied. The message says what is wrong with it,
 * never its values.
 */
export class MalformedMessageError extends Error {
  readonly code = 'MESSAGE.MALFORMED';

  constructor(message: string) {
    super(message);
    this.name = 'MalformedMessageError';
  }
}

export const isMalformedMessage = (error: unknown): error is MalformedMessageError => error instanceof MalformedMessageError;
