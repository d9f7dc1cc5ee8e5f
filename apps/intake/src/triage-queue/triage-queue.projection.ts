import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { TOPICS, type EventEnvelope } from '#contracts';
import { SIGNAL_RECEIVED_EVENT_TYPE, type SignalReceivedPayload } from '#domain';
import { Inbox, type Database } from '#eventstore';
import { MESSAGE_TRANSPORT, type IncomingMessage, type MessageTransport, type Subscription } from '#messaging';
import { APP_CONFIG, DATABASE, LOGGER, type AppConfig } from '#platform';

export const TRIAGE_QUEUE_CONSUMER = 'intake.triage-queue';

/**
 * The INSERT that applies one `SignalReceived` event to the triage queue, for `Inbox.handleOnceInStatement`
 * (guarded by the inbox claim) — or null for events the queue does not show.
 */
export function triageQueueInsert(event: EventEnvelope, param: (value: unknown) => string, guard = 'WHERE EXISTS (SELECT 1 FROM claimed)'): string | null {
  if (event.type !== SIGNAL_RECEIVED_EVENT_TYPE) return null;
  const p = event.payload as unknown as SignalReceivedPayload;
  const { reporterRef: _ref, ...details } = p as typeof p & { reporterRef?: string };
  const values = [
    p.signalId, p.municipality, p.source, p.receivedAt, event.recordedAt, p.externalRef,
    p.source === 'mma' ? p.theme : null,
    p.source === 'zorgmelding' ? p.urgency : null,
    p.source === 'zorgmelding' ? p.wvggz : null,
    event.specialCategory, JSON.stringify(details), event.position,
  ].map(param);
  return `INSERT INTO triage_queue (signal_id, municipality, source, status, received_at, recorded_at, external_ref, theme, urgency, wvggz, special_category, details, event_position)
          SELECT ${values[0]}::uuid, ${values[1]}, ${values[2]}, 'nieuw', ${values[3]}::timestamptz, ${values[4]}::timestamptz, ${values[5]}, ${values[6]}, ${values[7]}, ${values[8]}::boolean, ${values[9]}::boolean, ${values[10]}::jsonb, ${values[11]}::bigint
          ${guard} ON CONFLICT (signal_id) DO NOTHING`;
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
    // One round trip: the inbox claim and the queue row commit together, so redelivery changes nothing.
    await this.inbox.handleOnceInStatement(event.id, (param) => triageQueueInsert(event, param) ?? 'SELECT 1');
  }
}
