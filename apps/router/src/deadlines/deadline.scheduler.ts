import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError } from '#domain';
import { APP_CONFIG, CLOCK, LOGGER, type AppConfig, type Clock } from '#platform';
import { CASE_COMMAND_RUNNER, type CaseCommandRunner } from '../cases/case-command.port.js';
import { CaseViewRepository } from '../cases/case-view.repository.js';
import { dueDeadlineCommands } from './due-deadline-commands.js';

/** Cases handled per round; the next round picks up the rest. */
const BATCH = 200;

/**
 * Durable deadline timers: `case_view.next_deadline_at` is the timer, so deadlines survive restarts. Every
 * `DEADLINE_POLL_INTERVAL_MS` the scheduler records what has come due as the system actor
 * (`RecordDeadlineApproaching` / `RecordDeadlineBreached` through the case command runner). The decider
 * records each exactly once; when two processes (or a user) race for a case, the loser's version conflict
 * is simply retried the next round.
 */
@Injectable()
export class DeadlineScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  /** The round in progress; rounds never overlap. */
  private current: Promise<number> = Promise.resolve(0);

  constructor(
    @Inject(CASE_COMMAND_RUNNER) private readonly runner: CaseCommandRunner,
    private readonly cases: CaseViewRepository,
    @Inject(CLOCK) private readonly clock: Clock,
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

  /** Runs one round now (after any round in progress) and resolves with the number of events recorded. */
  tick(): Promise<number> {
    const next = this.current.catch(() => 0).then(() => this.round());
    this.current = next;
    return next;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick()
        .catch((error: unknown) => this.logger.warn({ component: 'deadline-scheduler', err: error }, 'deadline round failed'))
        .finally(() => this.schedule());
    }, this.config.DEADLINE_POLL_INTERVAL_MS);
    this.timer.unref();
  }

  private async round(): Promise<number> {
    const now = this.clock();
    let recorded = 0;
    for (const { caseId, state } of await this.cases.dueForDeadlines(now, BATCH)) {
      for (const command of dueDeadlineCommands(state, now)) {
        try {
          recorded += (await this.runner.execute(caseId, command, { principal: null })).events.length;
        } catch (error) {
          if (error instanceof DomainError && error.code === 'EVENTSTORE.VERSION_CONFLICT') {
            this.logger.debug({ component: 'deadline-scheduler', caseId }, 'case changed meanwhile; retried next round');
          } else {
            this.logger.warn({ component: 'deadline-scheduler', caseId, err: error }, 'deadline could not be recorded');
          }
          break;
        }
      }
    }
    return recorded;
  }
}
