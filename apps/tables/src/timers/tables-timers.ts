import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { REFERRAL_EVENT_TYPES, REFERRAL_TOPICS } from '#contracts';
import { dueReferralStep, type TablesConfig } from '#domain';
import { EventStore, OutboxRelay, VersionConflictError, type Database } from '#eventstore';
import { CLOCK, DATABASE, EVENT_STORE, LOGGER, OUTBOX_RELAY, PeriodicTask, type Clock } from '#platform';
import { TABLES_CONFIG } from '../config/tables-config.provider.js';
import { TABLES_SETTINGS, type TablesSettings } from '../config/tables-settings.js';
import { EscalationStepsService } from '../liaison/escalation-steps.service.js';
import { REFERRAL_REMINDER_SENT } from '../referrals/referral-events.js';
import { ReferralRegisterRepository, type RegisteredReferral } from '../referrals/referral-register.repository.js';
import { referralStreamId, TABLES_PROCESSING, TABLES_SYSTEM_ACTOR } from '../shared/tables-streams.js';
import { newCorrelationId, tablesEvent } from '../shared/tables-event.js';

/** What one timer round did. */
export interface TickResult {
  reminders: number;
  overdue: number;
  escalationSteps: number;
}

/**
 * Durable timers: the due instants live in the register (`remind_at`, `accept_by`) and the escalation rows
 * (`ack_due_at`), so a restart loses nothing. Each round (every TABLES_POLL_INTERVAL_MS, on the injectable
 * CLOCK) records reminders (to the table's topic), overdue notices (to `signaalroute.referrals.v1`) and
 * escalation tier steps. `tick()` runs one round; tests call it with a moved clock.
 */
@Injectable()
export class TablesTimers implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Rounds every `pollIntervalMs`; they never overlap. */
  private readonly task: PeriodicTask<[now?: Date], TickResult>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(TABLES_CONFIG) private readonly config: TablesConfig,
    @Inject(TABLES_SETTINGS) private readonly settings: TablesSettings,
    private readonly register: ReferralRegisterRepository,
    private readonly escalations: EscalationStepsService,
  ) {
    this.task = new PeriodicTask((now?: Date) => this.round(now ?? this.clock()), this.settings.pollIntervalMs, (error) =>
      this.logger.error({ component: 'tables.timers', err: error }, 'timer round failed'),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  /** One round at `now` (default: the CLOCK). Rounds never overlap: a second call waits for the first. */
  tick(now?: Date): Promise<TickResult> {
    return this.task.runNow(now);
  }

  private async round(now: Date): Promise<TickResult> {
    const result: TickResult = { reminders: 0, overdue: 0, escalationSteps: 0 };
    for (const referral of await this.register.due(now, 200)) {
      const step = dueReferralStep(referral, now);
      if (!step) continue;
      try {
        await this.record(referral, step, now);
        result[step === 'reminder' ? 'reminders' : 'overdue']++;
      } catch (error) {
        // The table decided meanwhile: the next round sees the new state.
        if (!(error instanceof VersionConflictError)) throw error;
      }
    }
    result.escalationSteps = await this.escalations.timeouts(now);
    if (result.reminders + result.overdue > 0) this.relay?.nudge();
    return result;
  }

  private async record(referral: RegisteredReferral, step: 'reminder' | 'overdue', now: Date): Promise<void> {
    const table = this.config.tables.find((t) => t.id === referral.table);
    const at = now.toISOString();
    const base = { referralId: referral.referralId, table: referral.table, municipality: referral.municipality, acceptBy: referral.acceptBy, at };
    // The reminder goes to the table (no case id); the overdue notice to the municipality's referrals topic.
    const [type, payload, topic, column] =
      step === 'reminder'
        ? [REFERRAL_REMINDER_SENT, base, table?.topic ?? REFERRAL_TOPICS.table(referral.table), 'reminded_at']
        : [REFERRAL_EVENT_TYPES.overdue, { ...base, caseId: referral.caseId }, REFERRAL_TOPICS.referrals, 'overdue_at'];
    const event = tablesEvent(type, payload, {
      municipality: referral.municipality,
      actor: TABLES_SYSTEM_ACTOR,
      correlationId: newCorrelationId(),
      legalBasis: table?.profile.legalBasis ?? TABLES_PROCESSING.legalBasis,
      processingActivity: table?.profile.processingActivity ?? TABLES_PROCESSING.activity,
      at: now,
    });
    await this.store.appendIn(this.db, referralStreamId(referral.referralId), referral.version, [event], {
      topic,
      alsoInsert: [
        (param) =>
          `UPDATE table_referrals SET ${column} = ${param(at)}::timestamptz, version = ${param(referral.version + 1)}::int
            WHERE referral_id = ${param(referral.referralId)} AND version = ${param(referral.version)}::int`,
      ],
    });
  }
}
