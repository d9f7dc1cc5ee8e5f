import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 (the last release; the project is unmaintained) re-arms a timer on every broker connection
 * whenever it finishes checking its queue of pending requests — also when nothing is pending and nothing is
 * throttled, with a negative delay, so each connection spins through a 1 ms timer forever
 * (tulios/kafkajs#1556, #1604, #1704; the fix proposed in #1667 was never released). Measured here: about
 * 900 wake-ups and 70 ms of CPU per second in every idle Signaalroute process.
 *
 * `fixIdleTimerLoop` replaces that one method with the same logic minus the spin: it schedules a check only
 * when requests are pending (at the end of a client-side throttle, else after 10 ms, as before) or while a
 * throttle is in effect. Requests are still sent at once when they can be, and a fulfilled request still
 * checks the queue; nothing else changes. Applied only to kafkajs 2.2.4, whose code it was written against.
 */

/** The RequestQueue fields the method uses. */
interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs' own interval for re-checking a queue held up by the in-flight limit. */
const CHECK_PENDING_REQUESTS_INTERVAL = 10;
const FIXED = Symbol.for('signaalroute.kafkajs.idle-timer-fixed');

export function scheduleCheckPendingRequestsWithoutSpin(this: RequestQueueLike): void {
  if (this.throttleCheckTimeoutId) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  if (this.pending.length === 0 && untilUnthrottled <= 0) return;
  const delay = untilUnthrottled > 0 ? untilUnthrottled : CHECK_PENDING_REQUESTS_INTERVAL;
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, delay);
}

/** Applies the fix once per process; returns whether kafkajs' RequestQueue now uses it. */
export function fixIdleTimerLoop(): boolean {
  const require = createRequire(import.meta.url);
  const version = (require('kafkajs/package.json') as { version: string }).version;
  if (version !== '2.2.4') return false;
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as { prototype: RequestQueueLike & { [FIXED]?: true } };
  if (RequestQueue.prototype[FIXED]) return true;
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequestsWithoutSpin;
  RequestQueue.prototype[FIXED] = true;
  return true;
}
