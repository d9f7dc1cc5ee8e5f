import type { QueueRefusal } from './queue-admission.rule.js';

/**
 * Work refused before anything was stored, because the database queue it would join is full or not moving
 * (HTTP 503 with `Retry-After`). The request may be sent again as it is.
 */
export class ServiceOverloadedError extends Error {
  readonly code = 'SERVICE.OVERLOADED';
  readonly httpStatus = 503;
  readonly retryAfterSeconds = 1;

  constructor(readonly reason: QueueRefusal) {
    super(reason === 'length' ? 'Too many requests are waiting for the database; nothing was stored, try again shortly' : 'The database is not keeping up; nothing was stored, try again shortly');
  }
}
