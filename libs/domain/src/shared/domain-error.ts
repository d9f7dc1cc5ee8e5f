/**
 * A business rule said no. `code` is stable (e.g. `SIGNAL.REPORTER_NOT_ALLOWED`) and is what clients
 * match on; only the transport edge maps it to an HTTP status or a Kafka dead-letter.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
