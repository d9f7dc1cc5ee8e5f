import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, LOGGER, type AppConfig } from '#platform';
import { RetentionJob } from './retention-job.js';
import type { StoredRetentionRun } from './retention-run.js';

/**
 * Runs the retention job once per Dutch calendar day: every `RETENTION_POLL_INTERVAL_MS` each router process
 * tries to claim today's daily run (the clock is the injected `CLOCK`); the one that claims it runs it, the
 * others find it claimed. A run that stopped halfway (the process died) leaves the rest due: the next day's
 * run, or an administrator's, picks it up.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  private current: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly job: RetentionJob,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.current.catch(() => undefined);
  }

  /** Claims and runs today's daily run now; null when it was claimed already (here or by another process). */
  tick(): Promise<StoredRetentionRun | null> {
    const next = this.job.runDaily();
    this.current = next;
    return next;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick()
        .catch((error: unknown) => this.logger.warn({ component: 'retention-scheduler', err: error }, 'daily retention run failed'))
        .finally(() => this.schedule());
    }, this.config.RETENTION_POLL_INTERVAL_MS);
    this.timer.unref();
  }
}
