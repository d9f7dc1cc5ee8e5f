import type { Clock } from '../clock.js';

const HOUR_MS = 3_600_000;

/**
 * The moment before which a request key was recorded too long ago to be honoured, `hours` before `now`: a key
 * recorded then is expired (a request sent again with it is a new request, and its row may be pruned). A key
 * recorded exactly at that moment is still honoured.
 */
export function expiredBefore(now: Date, hours: number): Date {
  return new Date(now.getTime() - hours * HOUR_MS);
}

/**
 * The window in which request keys are honoured (`IDEMPOTENCY_KEY_RETENTION_HOURS`), on the process's clock:
 * when a key recorded now is recorded, and before when recorded keys have expired. Writers, lookups and the
 * pruner all take both from here, so a moved clock (tests) moves them alike.
 */
export class RequestKeyWindow {
  constructor(
    private readonly clock: Clock,
    private readonly hours: number,
  ) {}

  /** The creation time of a key recorded now. */
  now(): Date {
    return this.clock();
  }

  /** Keys recorded before this moment are expired. */
  expiredBefore(): Date {
    return expiredBefore(this.clock(), this.hours);
  }
}
