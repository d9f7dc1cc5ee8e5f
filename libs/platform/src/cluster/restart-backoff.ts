/**
 * How long the supervisor waits before it replaces a worker that died. Re-forking at once turns a short outage
 * (the database down for a few seconds, so every replacement fails while it starts) into a burst of exits that
 * spends the restart budget in a second and stops the whole server; waiting longer after each failure in a row
 * lets such an outage pass, while a worker that served a while before it died is replaced after the shortest wait.
 */
export interface RestartBackoff {
  /** The wait before replacing a worker whose place had been healthy. */
  readonly firstDelayMs: number;
  /** The longest wait: the wait doubles with every death in a row in one place, up to this. */
  readonly maxDelayMs: number;
  /** A worker that lived this long counts as healthy: the next death in its place starts over at `firstDelayMs`. */
  readonly healthyAfterMs: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoff = { firstDelayMs: 1_000, maxDelayMs: 30_000, healthyAfterMs: 60_000 };

/**
 * The wait before replacing a worker that lived `livedMs`, given the wait used before it was started in the same
 * place (`previousDelayMs`, undefined for one of the first workers).
 */
export function restartDelay(previousDelayMs: number | undefined, livedMs: number, policy: RestartBackoff = DEFAULT_RESTART_BACKOFF): number {
  if (previousDelayMs === undefined || livedMs >= policy.healthyAfterMs) return policy.firstDelayMs;
  return Math.min(policy.maxDelayMs, Math.max(policy.firstDelayMs, previousDelayMs * 2));
}
