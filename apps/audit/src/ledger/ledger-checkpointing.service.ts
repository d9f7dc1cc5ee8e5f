import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { LedgerCheckpointer, type Database } from '#eventstore';
import { APP_CONFIG, CLOCK, DATABASE, LOGGER, type AppConfig, type Clock } from '#platform';

/**
 * Keeps the checkpoint chain up to date while the audit app runs: a range every LEDGER_CHECKPOINT_EVERY
 * events, and the newest events sealed at the latest LEDGER_CHECKPOINT_MAX_DELAY_MS after they were
 * written. Several processes may run it; an advisory lock lets one write at a time.
 */
@Injectable()
export class LedgerCheckpointingService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly checkpointer: LedgerCheckpointer;

  constructor(
    @Inject(DATABASE) db: Database,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(CLOCK) clock: Clock,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.checkpointer = new LedgerCheckpointer(db, {
      every: config.LEDGER_CHECKPOINT_EVERY,
      maxDelayMs: config.LEDGER_CHECKPOINT_MAX_DELAY_MS,
      pollIntervalMs: Math.min(1000, config.LEDGER_CHECKPOINT_MAX_DELAY_MS),
      clock,
      onError: (error) => logger.warn({ component: 'ledger-checkpointer', err: error }, 'checkpoint round failed'),
      onCheckpoint: (c) => logger.info({ component: 'ledger-checkpointer', seq: c.seq, events: c.eventCount, hash: c.checkpointHash }, 'ledger checkpoint sealed'),
    });
  }

  onApplicationBootstrap(): void {
    this.checkpointer.start();
  }

  /** Before the platform closes the database. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.checkpointer.stop();
  }
}
