import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { REFERRAL_EVENT_TYPES, REFERRAL_TOPICS, type EventEnvelope, type ReferralAcceptedPayload, type ReferralRejectedPayload, type ReferralReturnedPayload } from '#contracts';
import { DomainError, type ApplyReferralOutcomeCommand, type CaseActor } from '#domain';
import { deadLettering, MalformedMessageError, type Database } from '#eventstore';
import { MESSAGE_TRANSPORT, type IncomingMessage, type MessageTransport, type Subscription } from '#messaging';
import { APP_CONFIG, DATABASE, LOGGER, type AppConfig } from '#platform';
import { CASE_COMMAND_RUNNER, type CaseCommandRunner } from '../cases/case-command.port.js';
import { referralOutcomeProblem } from './referral-outcome-problem.js';

export const REFERRAL_OUTCOMES_CONSUMER = 'router.referral-outcomes';

/** What a tables-app event asks of the case, or null for events the router does not apply. */
export function referralOutcomeCommand(event: EventEnvelope): { caseId: string; command: ApplyReferralOutcomeCommand } | null {
  const system: CaseActor = { id: 'system', role: 'system' }; // the runner sets the actor itself for principal null
  switch (event.type) {
    case REFERRAL_EVENT_TYPES.accepted: {
      const p = event.payload as unknown as ReferralAcceptedPayload;
      return { caseId: p.caseId, command: { type: 'ApplyReferralOutcome', referralId: p.referralId, outcome: 'accepted', responsibilities: p.responsibilities, decidedBy: { id: p.decidedBy.id, role: p.decidedBy.role as CaseActor['role'] }, actor: system } };
    }
    case REFERRAL_EVENT_TYPES.returned: {
      const p = event.payload as unknown as ReferralReturnedPayload;
      return { caseId: p.caseId, command: { type: 'ApplyReferralOutcome', referralId: p.referralId, outcome: 'returned', reason: p.reason, decidedBy: { id: p.decidedBy.id, role: p.decidedBy.role as CaseActor['role'] }, actor: system } };
    }
    case REFERRAL_EVENT_TYPES.rejected: {
      const p = event.payload as unknown as ReferralRejectedPayload;
      return { caseId: p.caseId, command: { type: 'ApplyReferralOutcome', referralId: p.referralId, outcome: 'rejected', reason: p.reason, decidedBy: { id: 'system:tables', role: 'system' }, actor: system } };
    }
    default:
      return null; // ReferralAcceptanceOverdue and others: information only
  }
}

/**
 * Applies the tables app's referral outcomes (signaalroute.referrals.v1) to the case through the domain
 * command `ApplyReferralOutcome`. No inbox needed: the command is idempotent (the same outcome again appends
 * nothing; on a case closed before the table answered, the answer is recorded and nothing is handed over).
 * Business refusals (unknown case/referral, the table decided the other way) are
 * logged and skipped, never retried forever; a version conflict is redelivered and decided again. A message that
 * is no event, or an outcome without the fields the command needs (`referralOutcomeProblem`), goes to the dead
 * letters at once and changes nothing.
 */
@Injectable()
export class ReferralOutcomesConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | null = null;

  constructor(
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CASE_COMMAND_RUNNER) private readonly runner: CaseCommandRunner,
    @Inject(DATABASE) private readonly db: Database,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.transport.subscribe(
      { groupId: `${this.config.KAFKA_CLIENT_ID}.${REFERRAL_OUTCOMES_CONSUMER}`, topics: [REFERRAL_TOPICS.referrals], fromBeginning: true },
      deadLettering((message) => this.handle(message), {
        db: this.db,
        consumer: REFERRAL_OUTCOMES_CONSUMER,
        maxAttempts: this.config.CONSUMER_MAX_ATTEMPTS,
        log: (fields, text) => this.logger.error({ component: REFERRAL_OUTCOMES_CONSUMER, ...fields }, text),
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  async handle(message: IncomingMessage): Promise<void> {
    if (message.value.length === 0) return; // a tombstone: no event
    let event: EventEnvelope;
    try {
      event = JSON.parse(message.value.toString('utf8')) as EventEnvelope;
    } catch {
      throw new MalformedMessageError(`${message.topic} offset ${message.offset}: not JSON`);
    }
    if (event === null || typeof event !== 'object') throw new MalformedMessageError(`${message.topic} offset ${message.offset}: not an event envelope`);
    const problem = referralOutcomeProblem(event.type, event.payload);
    if (problem) throw new MalformedMessageError(`${event.type} ${String(event.id)}: ${problem}`);
    const todo = referralOutcomeCommand(event);
    if (!todo) return;
    try {
      await this.runner.execute(todo.caseId, todo.command, { principal: null, correlationId: event.correlationId, traceparent: event.traceparent });
    } catch (error) {
      if (error instanceof DomainError && error.code !== 'EVENTSTORE.VERSION_CONFLICT') {
        this.logger.warn({ component: REFERRAL_OUTCOMES_CONSUMER, code: error.code, caseId: todo.caseId, referralId: todo.command.referralId }, 'referral outcome not applied');
        return;
      }
      throw error; // version conflict or infrastructure: redelivered, decided again on the new state
    }
  }
}
