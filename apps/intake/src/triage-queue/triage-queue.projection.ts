import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { TOPICS, type EventEnvelope } from '#contracts';
import { SIGNAL_RECEIVED_EVENT_TYPE, type SignalReceivedPayload } from '#domain';
import { Inbox, type Database, type SqlExecutor } from '#eventstore';
import { MESSAGE_TRANSPORT, type IncomingMessage, type MessageTransport, type Subscription } from '#messaging';
import { APP_CONFIG, DATABASE, LOGGER, type AppConfig } from '#platform';

export const TRIAGE_QUEUE_CONSUMER = 'intake.triage-queue';

/** Applies one signal event to the triage queue. Idempotent on its own too (insert once per signal). */
export async function applyToTriageQueue(tx: SqlExecutor, event: EventEnvelope): Promise<void> {
  if (event.type !== SIGNAL_RECEIVED_EVENT_TYPE) return;
  const p = event.payload as unknown as SignalReceivedPayload;
  const { reporterRef: _ref, ...details } = p as typeof p & { reporterRef?: string };
  await tx.query(
    `INSERT INTO triage_queue (signal_id, municipality, source, status, received_at, recorded_at, external_ref, theme, urgency, wvggz, special_category, details, event_position)
     VALUES ($1, $2, $3, 'nieuw', $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (signal_id) DO NOTHING`,
    [
      p.signalId, p.municipality, p.source, p.receivedAt, event.recordedAt, p.externalRef,
      p.source === 'mma' ? p.theme : null,
      p.source === 'zorgmelding' ? p.urgency : null,
      p.source === 'zorgmelding' ? p.wvggz : null,
      event.specialCategory, JSON.stringify(details), event.position,
    ],
  );
}

/**
 * The coordinators' triage queue: a read model fed from `signaalroute.signals.v1`. Each event is applied
 * once (inbox), so redelivery changes nothing; the table can be dropped and rebuilt from the topic or log.
 */
@Injectable()
export class TriageQueueProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | null = null;
  private readonly inbox: Inbox;

  constructor(
    @Inject(DATABASE) db: Database,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.inbox = new Inbox(db, TRIAGE_QUEUE_CONSUMER);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.transport.subscribe(
      { groupId: `${this.config.KAFKA_CLIENT_ID}.${TRIAGE_QUEUE_CONSUMER}`, topics: [TOPICS.signals], fromBeginning: true },
      (message) => this.handle(message),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  async handle(message: IncomingMessage): Promise<void> {
    let event: EventEnvelope;
    try {
      event = JSON.parse(message.value.toString('utf8')) as EventEnvelope;
    } catch {
      this.logger.error({ component: TRIAGE_QUEUE_CONSUMER, topic: message.topic, offset: message.offset }, 'unreadable signal event skipped');
      return;
    }
    await this.inbox.handleOnce(event.id, (tx) => applyToTriageQueue(tx, event));
  }
}
