import type { Logger } from 'pino';
import { pruneInbox, type Database } from '#eventstore';
import type { MessageTransport } from '#messaging';
import type { Clock } from '../clock.js';
import { ConfigError } from '../config/app.config.js';
import { PeriodicTask } from '../scheduling/periodic-task.js';
import { firstPruneDelayMs } from '../scheduling/first-prune-delay.js';
import { DAY_MS, inboxRetentionProblems, type InboxConsumer } from './inbox-retention.rule.js';

/** How often the pruner looks for inbox rows past their retention. */
export const INBOX_PRUNE_INTERVAL_MS = 3_600_000;

export interface InboxPrunerOptions {
  /** Days an inbox row is kept; 0 keeps them forever (the pruner does nothing). */
  retentionDays: number;
  consumers: readonly InboxConsumer[];
  clock: Clock;
  logger: Logger;
  onPruned?: (rows: number) => void;
  /** The deployment's `KAFKA_TOPIC_PREFIX`, so a refusal names the topic as the broker knows it. */
  topicPrefix?: string;
  /** When the first round comes after start (default `firstPruneDelayMs()`). */
  firstRoundAfterMs?: number;
}

/**
 * Forgets the inbox rows of this process's consumers once their messages can no longer be delivered again,
 * so the inbox does not grow forever. Before it prunes anything it checks, with the transport, that every
 * topic those consumers read drops its messages in time (`assertSafe`, run at start-up).
 */
export class InboxPruner {
  private readonly task: PeriodicTask<[], number>;

  constructor(
    private readonly db: Database,
    private readonly transport: MessageTransport,
    private readonly options: InboxPrunerOptions,
  ) {
    this.task = new PeriodicTask(() => this.prune(), INBOX_PRUNE_INTERVAL_MS, (error) =>
      options.logger.warn({ component: 'inbox-pruner', err: error }, 'inbox pruning failed; it is tried again at the next round'),
    );
  }

  private get enabled(): boolean {
    return this.options.retentionDays > 0 && this.options.consumers.length > 0;
  }

  /** Throws a ConfigError naming every topic that may deliver a message after its inbox row would be gone. */
  async assertSafe(): Promise<void> {
    if (!this.enabled) return;
    const topics = [...new Set(this.options.consumers.flatMap((c) => c.topics))];
    const horizons = await this.transport.redeliveryHorizon(topics);
    const prefix = this.options.topicPrefix ?? '';
    const problems = inboxRetentionProblems(this.options.retentionDays, new Map([...horizons].map(([topic, horizon]) => [`${prefix}${topic}`, horizon])));
    if (problems.length > 0) throw new ConfigError(problems.map((p) => `INBOX_RETENTION_DAYS: ${p}`));
  }

  start(): void {
    if (this.enabled) this.task.start(this.options.firstRoundAfterMs ?? firstPruneDelayMs());
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** One round now (after any round in progress); returns how many inbox rows were deleted. */
  runNow(): Promise<number> {
    return this.task.runNow();
  }

  private async prune(): Promise<number> {
    if (!this.enabled) return 0;
    const processedBefore = new Date(this.options.clock().getTime() - this.options.retentionDays * DAY_MS);
    const pruned = await pruneInbox(this.db, { consumers: this.options.consumers.map((c) => c.consumer), processedBefore });
    if (pruned > 0) this.options.logger.info({ component: 'inbox-pruner', pruned, processedBefore }, 'pruned inbox rows past their retention');
    this.options.onPruned?.(pruned);
    return pruned;
  }
}
