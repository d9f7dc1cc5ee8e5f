/**
 * A round of work repeated every `intervalMs` after the previous round ended, so rounds never overlap;
 * `stop` waits for the round in progress. `runNow` runs a round at once, after any round in progress (tests
 * with a moved clock and admin endpoints call it). A failed scheduled round is reported to `onError` and the
 * next one is scheduled as usual.
 */
export class PeriodicTask<A extends unknown[], T> {
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private current: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly round: (...args: A | []) => Promise<T>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Starts the rounds: the first after `firstRoundAfterMs` (default: one interval), then one interval apart. */
  start(firstRoundAfterMs = this.intervalMs): void {
    this.stopped = false;
    this.schedule(firstRoundAfterMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current.catch(() => undefined);
  }

  runNow(...args: A | []): Promise<T> {
    const next = this.current.catch(() => undefined).then(() => this.round(...args));
    this.current = next;
    return next;
  }

  private schedule(afterMs = this.intervalMs): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.runNow()
        .catch(this.onError)
        .finally(() => this.schedule());
    }, afterMs);
    this.timer.unref();
  }
}
