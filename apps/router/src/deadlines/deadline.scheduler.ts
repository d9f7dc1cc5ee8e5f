import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError } from '#domain';
import { APP_CONFIG, CLOCK, LOGGER, PeriodicTask, type AppConfig, type Clock } from '#platform';
import { CASE_COMMAND_RUNNER, type CaseCommandRunner } from '../cases/case-command.port.js';
import { CaseViewRepository } from '../cases/case-view.repository.js';
import { dueDeadlineCommands } from './due-deadline-commands.js';
import { recordDueDeadlines } from './record-due-deadlines.js';

/** Cases read per page; a round reads page after page until everything due has had its turn. */
const PAGE = 200;

/**
 * Durable deadline timers: `case_view.next_deadline_at` is the timer, so deadlines survive restarts. Every
 * `DEADLINE_POLL_INTERVAL_MS` the scheduler records what has come due as the system actor
 * (`RecordDeadlineApproaching` / `RecordDeadlineBreached` through the case command runner). The decider
 * records each exactly once; when two processes (or a user) race for a case, the loser's version conflict
 * is simply retried the next round.
 */
@Injectable()
export class DeadlineScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Rounds every DEADLINE_POLL_INTERVAL_MS; they never overlap. */
  private readonly task: PeriodicTask<[], number>;

  constructor(
    @Inject(CASE_COMMAND_RUNNER) private readonly runner: CaseCommandRunner,
    private readonly cases: CaseViewRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask(() => this.round(), config.DEADLINE_POLL_INTERVAL_MS, (error) =>
      this.logger.warn({ component: 'deadline-scheduler', err: error }, 'deadline round failed'),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** Runs one round now (after any round in progress) and resolves with the number of events recorded. */
  tick(): Promise<number> {
    return this.task.runNow();
  }

  private round(): Promise<number> {
    const now = this.clock();
    return recordDueDeadlines(
      {
        page: (cursor, limit) => this.cases.dueForDeadlines(now, limit, cursor),
        commands: (state) => dueDeadlineCommands(state, now),
        run: async (caseId, command) => (await this.runner.execute(caseId, command, { principal: null })).events.length,
        failed: (caseId, error) => {
          if (error instanceof DomainError && error.code === 'EVENTSTORE.VERSION_CONFLICT') {
            this.logger.debug({ component: 'deadline-scheduler', caseId }, 'case changed meanwhile; retried next round');
          } else {
            this.logger.warn({ component: 'deadline-scheduler', caseId, err: error }, 'deadline could not be recorded');
          }
        },
      },
      PAGE,
    );
  }
}
