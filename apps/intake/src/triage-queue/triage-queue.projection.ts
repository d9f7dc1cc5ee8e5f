import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { TOPICS, type EventEnvelope } from '#contracts';
import { SIGNAL_RECEIVED_EVENT_TYPE, type SignalReceivedPayload } from '#domain';
import { Inbox, type Database, type SqlExecutor } from '#eventstore';
import { MESSAGE_TRANSPORT, type IncomingMessage, type MessageTransport, type Subscription } from '#messaging';
import { APP_CONFIG, DATABASE, LOGGER, type AppConfig } from '#platform';

export const TRIAGE_QUEUE_CONSUMER = 'intake.triage-queue';

/** Inserts a run of `SignalReceived` events as queue rows in one multi-row statement. */
async function insertReceived(tx: SqlExecutor, events: EventEnvelope[]): Promise<void> {
  const params: unknown[] = [];
  const rows = events.map((event) => {
    const p = event.payload as unknown as SignalReceivedPayload;
    const { reporterRef: _ref, ...details } = p as typeof p & { reporterRef?: string };
    const values = [
      p.signalId, p.municipality, p.source, p.receivedAt, event.recordedAt, p.externalRef,
      p.source === 'mma' ? p.theme : null,
      p.source === 'zorgmelding' ? p.urgency : null,
      p.source === 'zorgmelding' ? p.wvggz : null,
      event.specialCategory, JSON.stringify(details), event.position,
    ];
    const at = params.length;
    params.push(...values);
    const $ = (i: number) => `$${at + i + 1}`;
    return `(${$(0)}::uuid, ${$(1)}, ${$(2)}, 'nieuw', ${$(3)}::timestamptz, ${$(4)}::timestamptz, ${$(5)}, ${$(6)}, ${$(7)}, ${$(8)}::boolean, ${$(9)}::boolean, ${$(10)}::jsonb, ${$(11)}::bigint)`;
  });
  await tx.query(
    `INSERT INTO triage_queue (signal_id, municipality, source, status, received_at, recorded_at, external_ref, theme, urgency, wvggz, special_category, details, event_position)
     VALUES ${rows.join(', ')} ON CONFLICT (signal_id) DO NOTHING`,
    params,
  );
}

/**
 * Applies events to the triage queue in order, inside the caller's transaction. Consecutive
 * `SignalReceived` events go in as one statement; events the queue does not show are ignored.
 */
export async function applyToTriageQueue(tx: SqlExecutor, events: EventEnvelope[]): Promise<void> {
  let received: EventEnvelope[] = [];
  const flush = async () => {
    if (received.length > 0) await insertReceived(tx, received);
    received = [];
  };
  for (const event of events) {
    switch (event.type) {
      case SIGNAL_RECEIVED_EVENT_TYPE:
        received.push(event);
        break;
      default:
        await flush();
    }
  }
  await flush();
}

/**
 * The coordinators' triage queue: a read model fed from `signaalroute.signals.v1`, consumed in batches.
 * Each batch claims its message ids in the inbox and applies the new ones in one transaction, so a
 * redelivered event changes nothing and the table can be dropped and rebuilt from the topic or the log.
 */
@Injectable()
export class TriageQueueProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | null = null;
  private readonly inbox: Inbox;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.inbox = new Inbox(db, TRIAGE_QUEUE_CONSUMER);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.transport.subscribeBatch(
      { groupId: `${this.config.KAFKA_CLIENT_ID}.${TRIAGE_QUEUE_CONSUMER}`, topics: [TOPICS.signals], fromBeginning: true },
      (batch) => this.handleBatch(batch),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  async handleBatch(batch: IncomingMessage[]): Promise<void> {
    const events: EventEnvelope[] = [];
    for (const message of batch) {
      try {
        events.push(JSON.parse(message.value.toString('utf8')) as EventEnvelope);
      } catch {
        this.logger.error({ component: TRIAGE_QUEUE_CONSUMER, topic: message.topic, offset: message.offset }, 'unreadable signal event skipped');
      }
    }
    if (events.length === 0) return;
    await this.db.transaction(async (tx) => {
      const fresh = await this.inbox.claimBatch(tx, events.map((e) => e.id));
      await applyToTriageQueue(tx, events.filter((e) => fresh.has(e.id)));
    });
  }
}
