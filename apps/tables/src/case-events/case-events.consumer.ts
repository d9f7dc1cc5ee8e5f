import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { TOPICS, type EventEnvelope } from '#contracts';
import { escalationTriggerOf, evolveCaseSheet, SIGNAL_RECEIVED_EVENT_TYPE, signalFactsOf, type CaseEvent, type CaseSheet, type SignalFacts, type TablesConfig } from '#domain';
import { Inbox, OutboxRelay, type Database, type SqlExecutor } from '#eventstore';
import { MESSAGE_TRANSPORT, type IncomingMessage, type MessageTransport, type Subscription } from '#messaging';
import { APP_CONFIG, DATABASE, LOGGER, OUTBOX_RELAY, type AppConfig } from '#platform';
import { TABLES_CONFIG } from '../config/tables-config.provider.js';
import { EscalationRaiser } from '../liaison/escalation-raiser.js';
import { LiaisonFeedNotifier } from '../liaison/liaison-feed.notifier.js';
import { ReferralPublisher } from '../referrals/referral-publisher.js';
import { CaseSheetStore } from './case-sheet.store.js';

export const CASE_EVENTS_CONSUMER = 'tables.case-events';

/** Deliveries a referral waits for signal facts that have not arrived yet (another topic) before it goes out without them. */
const FACTS_WAIT_ATTEMPTS = 3;

class SignalFactsPending extends Error {
  constructor(readonly referralId: string) {
    super(`signal facts of referral ${referralId} have not arrived yet`);
    this.name = 'SignalFactsPending';
  }
}

/**
 * The tables app's intake: `signaalroute.signals.v1` (shareable signal facts) and `signaalroute.cases.v1`
 * (case sheets, referrals, escalation triggers), consumed in batches. Each batch claims its message ids in
 * the inbox and applies the new ones in one transaction, so redelivering or replaying an event changes
 * nothing: one referral, one disclosure, one message per table.
 */
@Injectable()
export class CaseEventsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | null = null;
  private readonly inbox: Inbox;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(APP_CONFIG) private readonly appConfig: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    @Inject(TABLES_CONFIG) private readonly config: TablesConfig,
    private readonly sheets: CaseSheetStore,
    private readonly referrals: ReferralPublisher,
    private readonly escalations: EscalationRaiser,
    private readonly feed: LiaisonFeedNotifier,
  ) {
    this.inbox = new Inbox(db, CASE_EVENTS_CONSUMER);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.transport.subscribeBatch(
      { groupId: `${this.appConfig.KAFKA_CLIENT_ID}.${CASE_EVENTS_CONSUMER}`, topics: [TOPICS.cases, TOPICS.signals], fromBeginning: true },
      (batch) => this.handleBatch(batch),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  async handleBatch(batch: IncomingMessage[]): Promise<void> {
    const items: { event: EventEnvelope; attempt: number }[] = [];
    for (const message of batch) {
      try {
        items.push({ event: JSON.parse(message.value.toString('utf8')) as EventEnvelope, attempt: message.attempt });
      } catch {
        this.logger.error({ component: CASE_EVENTS_CONSUMER, topic: message.topic, offset: message.offset }, 'unreadable event skipped');
      }
    }
    if (items.length === 0) return;
    let appended = { referrals: 0, escalations: 0 };
    try {
      appended = await this.db.transaction(async (tx) => {
        const fresh = await this.inbox.claimBatch(tx, items.map((i) => i.event.id));
        return this.apply(tx, items.filter((i) => fresh.has(i.event.id)));
      });
    } catch (error) {
      if (error instanceof SignalFactsPending) this.logger.info({ component: CASE_EVENTS_CONSUMER, referralId: error.referralId }, 'referral waits for its signal facts');
      throw error;
    }
    if (appended.referrals + appended.escalations > 0) this.relay?.nudge();
    if (appended.escalations > 0) this.feed.changed();
  }

  private async apply(tx: SqlExecutor, items: { event: EventEnvelope; attempt: number }[]): Promise<{ referrals: number; escalations: number }> {
    const count = { referrals: 0, escalations: 0 };
    const signals = items.filter((i) => i.event.type === SIGNAL_RECEIVED_EVENT_TYPE);
    await this.sheets.insertFacts(
      tx,
      signals.flatMap(({ event }) => {
        const facts = signalFactsOf(event.payload);
        return facts ? [{ facts, municipality: event.municipality, specialCategory: event.specialCategory }] : [];
      }),
    );
    const caseItems = items.filter((i) => i.event.streamId.startsWith('case-') && typeof i.event.payload.caseId === 'string');
    if (caseItems.length === 0) return count;

    const caseIds = caseItems.map((i) => i.event.payload.caseId as string);
    const sheets = await this.sheets.sheets(tx, caseIds);
    // Signal facts are only needed to share something: loaded once, and only for a batch that shares.
    let facts: Map<string, SignalFacts> | null = null;
    const factsFor = async (sheet: CaseSheet): Promise<SignalFacts[]> => {
      facts ??= await this.sheets.facts(tx, [...[...sheets.values()].flatMap((s) => s.signalIds), ...caseItems.flatMap(({ event: e }) => (e.type === 'CaseOpened' ? ((e.payload.signalIds as string[]) ?? []) : e.type === 'SignalAddedToCase' ? [e.payload.signalId as string] : []))]);
      return sheet.signalIds.map((id) => facts!.get(id)).filter((f): f is SignalFacts => f !== undefined);
    };
    const changed = new Map<string, CaseSheet>();

    for (const { event, attempt } of caseItems) {
      const caseEvent = { ...event.payload, type: event.type } as unknown as CaseEvent;
      const caseId = event.payload.caseId as string;
      const before = sheets.get(caseId) ?? null;
      const sheet = evolveCaseSheet(before, caseEvent);
      if (!sheet) {
        // Only when the topic is read from the middle (or another deployment's cases): nothing to share from.
        this.logger.warn({ component: CASE_EVENTS_CONSUMER, caseId, type: event.type }, 'event of a case this app does not know skipped');
        continue;
      }
      if (sheet !== before) {
        sheets.set(caseId, sheet);
        changed.set(caseId, sheet);
      }
      if (event.type === 'CaseReferred') {
        const known = await factsFor(sheet);
        if (known.length < sheet.signalIds.length && attempt < FACTS_WAIT_ATTEMPTS) throw new SignalFactsPending(caseEvent.type === 'CaseReferred' ? caseEvent.referralId : '');
        if (await this.referrals.publish(tx, sheet, known, event)) count.referrals++;
        continue;
      }
      const trigger = escalationTriggerOf(this.config.escalation.triggers, { type: event.type, payload: event.payload, modelId: sheet.modelId });
      if (trigger && (await this.escalations.raise(tx, sheet, await factsFor(sheet), event, trigger))) count.escalations++;
    }
    await this.sheets.saveSheets(tx, [...changed.values()]);
    return count;
  }
}
