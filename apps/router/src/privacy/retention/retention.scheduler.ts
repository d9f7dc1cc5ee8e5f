import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG, LOGGER, PeriodicTask, type AppConfig } from '#platform';
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
  /** Tries to claim the daily run every RETENTION_POLL_INTERVAL_MS; attempts never overlap. */
  private readonly task: PeriodicTask<[], StoredRetentionRun | null>;

  constructor(
    private readonly job: RetentionJob,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask(() => this.job.runDaily(), config.RETENTION_POLL_INTERVAL_MS, (error) =>
      this.logger.warn({ component: 'retention-scheduler', err: error }, 'daily retention run failed'),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** Claims and runs today's daily run now; null when it was claimed already (here or by another process). */
  tick(): Promise<StoredRetentionRun | null> {
    return this.task.runNow();
  }
}
