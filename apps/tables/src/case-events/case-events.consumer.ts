import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { TOPICS, type EventEnvelope } from '#contracts';
import { caseSheetEventProblem, caseSheetWriteOf, escalationTriggerOf, type CaseEvent, type CaseSheet, type SignalFacts, type TablesConfig } from '#domain';
import { deadLetteringBatch, failureCodeOf, Inbox, MalformedMessageError, OutboxRelay, readEnvelopes, type Database, type SqlExecutor } from '#eventstore';
import { MESSAGE_TRANSPORT, type IncomingMessage, type MessageTransport, type Subscription } from '#messaging';
import { APP_CONFIG, DATABASE, isUuid, LOGGER, OUTBOX_RELAY, type AppConfig } from '#platform';
import { TABLES_CONFIG } from '../config/tables-config.provider.js';
import { EscalationRaiser } from '../liaison/escalation-raiser.js';
import { LiaisonFeedNotifier } from '../liaison/liaison-feed.notifier.js';
import { ReferralPublisher } from '../referrals/referral-publisher.js';
import { CaseSheetStore, LIVE_CASE_SHEET_TABLES } from './case-sheet.store.js';
import { evolveCaseSheets, isCaseSheetEvent, recordSignalFacts } from './case-sheets.projection.js';
import { PendingEscalationFactsStore } from './pending-escalation-facts.store.js';
import { PendingReferralStore, type PendingReferral } from './pending-referral.store.js';
import { recordFailedRelease, underSavepoint, type FailedRelease } from './released-alone.js';

export const CASE_EVENTS_CONSUMER = 'tables.case-events';
/** The topics it reads. */
export const CASE_EVENTS_TOPICS = [TOPICS.cases, TOPICS.signals];

/**
 * The tables app's intake: `signaalroute.signals.v1` (shareable signal facts) and `signaalroute.cases.v1`
 * (case sheets, referrals, escalation triggers), consumed in batches. A message that is no event envelope, or a
 * case event without the fields this app reads (`caseSheetEventProblem`), goes to the dead letters at once and
 * changes nothing. Each batch claims its message ids in
 * the inbox and applies the new ones in one transaction, so redelivering or replaying an event changes
 * nothing: one referral, one disclosure, one message per table.
 *
 * A referral whose signal facts have not arrived yet (they come on the other topic) does not hold up the
 * consumer: it parks in `tables_pending_referrals`, and the batch that records its last missing fact
 * publishes it, in that batch's transaction. An escalation does not wait: it is raised with the facts known,
 * and the batch that records the last missing fact sends the police the case complete. One of those that cannot
 * go out fails that batch like any other failure; on the delivery where the consumer gives up, it goes to the dead
 * letters alone and the fact and the rest are recorded (`releaseOne`).
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
    private readonly pending: PendingReferralStore,
    private readonly pendingEscalations: PendingEscalationFactsStore,
    private readonly referrals: ReferralPublisher,
    private readonly escalations: EscalationRaiser,
    private readonly feed: LiaisonFeedNotifier,
  ) {
    this.inbox = new Inbox(db, CASE_EVENTS_CONSUMER);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.transport.subscribeBatch(
      { groupId: `${this.appConfig.KAFKA_CLIENT_ID}.${CASE_EVENTS_CONSUMER}`, topics: CASE_EVENTS_TOPICS, fromBeginning: true },
      deadLetteringBatch((batch) => this.handleBatch(batch), {
        db: this.db,
        consumer: CASE_EVENTS_CONSUMER,
        maxAttempts: this.appConfig.CONSUMER_MAX_ATTEMPTS,
        log: (fields, text) => this.logger.error({ component: CASE_EVENTS_CONSUMER, ...fields }, text),
        onGivenUp: (message, errorCode) => this.rejectGivenUpReferral(message, errorCode),
      }),
    );
  }

  /**
   * A `CaseReferred` this consumer gave up on (it is in the dead letters) is rejected back to its case as
   * `not-deliverable`, as a parked one that could not go out is: the coordinator learns that the table never got it.
   * Nothing happens for any other message, for a referral already in the register (a redelivery, or one rejected or
   * published before), or for a case this app has no sheet of (it cannot tell the municipality and model).
   */
  private async rejectGivenUpReferral(message: IncomingMessage, errorCode: string): Promise<void> {
    const [event] = readEnvelopes([message], () => undefined);
    if (event?.type !== 'CaseReferred' || !event.streamId.startsWith('case-')) return;
    const { referralId, caseId, table } = event.payload;
    if (typeof referralId !== 'string' || !isUuid(referralId) || typeof caseId !== 'string' || typeof table !== 'string') return;
    const rejected = await this.db.transaction(async (tx) => {
      const known = await tx.query('SELECT 1 FROM table_referrals WHERE referral_id = $1', [referralId]);
      const sheet = (await this.sheets.sheets(tx, [caseId])).get(caseId);
      if (known.rows.length > 0 || !sheet) return false;
      await this.referrals.rejectUndeliverable(tx, sheet, event, errorCode);
      return true;
    });
    if (rejected) {
      this.logger.warn({ component: CASE_EVENTS_CONSUMER, referralId, caseId, errorCode }, 'referral rejected back to its case: it went to the dead letters');
      this.relay?.nudge();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  async handleBatch(batch: IncomingMessage[]): Promise<void> {
    const events = readEnvelopes(batch, (message) => {
      throw new MalformedMessageError(`${message.topic} offset ${message.offset}: not an event envelope`);
    });
    for (const event of events) {
      const problem = event.streamId.startsWith('case-') ? caseSheetEventProblem(event.type, event.payload) : null;
      if (problem) throw new MalformedMessageError(`${event.type} ${event.id}: ${problem}`);
    }
    if (events.length === 0) return;
    if (events.length === 1 && (await this.writeSheetInStatement(events[0]!))) return;
    const appended = await this.db.transaction(async (tx) => {
      const fresh = await this.inbox.claimBatch(tx, events.map((e) => e.id));
      return this.apply(tx, events.filter((e) => fresh.has(e.id)), batch[0]!.attempt);
    });
    if (appended.referrals + appended.escalations > 0) this.relay?.nudge();
    if (appended.escalations > 0) this.feed.changed();
  }

  /**
   * A lone case event whose sheet change needs no read of the sheet and that raises no escalation — the usual
   * batch at low rates: a case opened, moved or closed. The inbox claim and the sheet write are one statement
   * instead of a transaction of five (begin, claim, read, write, commit). False for any other event: the caller
   * takes the general path.
   */
  private async writeSheetInStatement(event: EventEnvelope): Promise<boolean> {
    if (!event.streamId.startsWith('case-') || typeof event.payload.caseId !== 'string') return false;
    const write = caseSheetWriteOf({ ...event.payload, type: event.type } as unknown as CaseEvent);
    if (!write) return false;
    const modelId = typeof event.payload.modelId === 'string' ? event.payload.modelId : '';
    // A transition's trigger depends on its model; without it in the event, only the stored sheet can tell.
    if (event.type === 'CaseTransitioned' && modelId === '') return false;
    if (escalationTriggerOf(this.config.escalation.triggers, { type: event.type, payload: event.payload, modelId })) return false;
    const done = await this.inbox.handleOnceInStatementReporting(event.id, (param) => this.sheets.writeSql(write, param));
    if (done.claimed && !done.wrote) {
      this.logger.warn({ component: CASE_EVENTS_CONSUMER, caseId: event.payload.caseId, type: event.type }, 'event of a case this app does not know skipped');
    }
    return true;
  }

  /** `attempt`: deliveries of the batch (of its first message, as `deadLetteringBatch` counts them). */
  private async apply(tx: SqlExecutor, events: EventEnvelope[], attempt: number): Promise<{ referrals: number; escalations: number }> {
    const count = await this.recordFacts(tx, events, attempt);
    const caseEvents = events.filter(isCaseSheetEvent);
    // Signal facts are only needed to share something: loaded once, and only for a batch that shares.
    let facts: Map<string, SignalFacts> | null = null;
    const loadFacts = async (sheets: ReadonlyMap<string, CaseSheet>): Promise<Map<string, SignalFacts>> =>
      (facts ??= await this.sheets.facts(tx, [...[...sheets.values()].flatMap((s) => s.signalIds), ...caseEvents.flatMap((e) => (e.type === 'CaseOpened' ? ((e.payload.signalIds as string[]) ?? []) : e.type === 'SignalAddedToCase' ? [e.payload.signalId as string] : []))]));
    const referred: PendingReferral[] = [];

    // The sheets are written by the same function a replay of `tables-case-sheets` uses; referrals and escalations are this consumer's own.
    const sheets = await evolveCaseSheets(this.sheets, tx, caseEvents, LIVE_CASE_SHEET_TABLES, {
      // Only when the topic is read from the middle (or another deployment's cases): nothing to share from.
      unknownCase: (event) => this.logger.warn({ component: CASE_EVENTS_CONSUMER, caseId: event.payload.caseId, type: event.type }, 'event of a case this app does not know skipped'),
      step: async (event, sheet, evolved) => {
        if (event.type === 'CaseReferred') {
          referred.push({ sheet, event });
          return;
        }
        const trigger = escalationTriggerOf(this.config.escalation.triggers, { type: event.type, payload: event.payload, modelId: sheet.modelId });
        if (!trigger) return;
        const known = await this.factsUnderLock(tx, sheet.signalIds, await loadFacts(evolved));
        const waitingFor = sheet.signalIds.filter((id) => !known.has(id));
        if (!(await this.escalations.raise(tx, sheet, knownFacts(sheet, known), event, trigger, waitingFor))) return;
        count.escalations++;
        if (waitingFor.length > 0) this.logger.info({ component: CASE_EVENTS_CONSUMER, caseId: sheet.caseId, waitingFor: waitingFor.length }, 'escalation raised before its signal facts: the police gets the case complete when they arrive');
      },
    });
    if (!sheets) return count;
    if (referred.length > 0) count.referrals += await this.publishOrPark(tx, referred, await loadFacts(sheets));
    return count;
  }

  /**
   * Records the shareable facts of new signals, publishes the referrals that waited for them and sends the
   * escalations raised without them their complete case. Returns how many messages it published.
   */
  private async recordFacts(tx: SqlExecutor, events: EventEnvelope[], attempt: number): Promise<{ referrals: number; escalations: number }> {
    const count = { referrals: 0, escalations: 0 };
    // The facts are written by the same function a replay of `tables-case-sheets` uses, under the signals' locks.
    const arrived = await recordSignalFacts(this.sheets, tx, events, LIVE_CASE_SHEET_TABLES, (ids) => this.pending.lockSignals(tx, ids));
    if (arrived.length === 0) return count;
    const released = await this.pending.release(tx, arrived);
    const completed = await this.pendingEscalations.release(tx, arrived);
    if (released.length + completed.length === 0) return count;
    const facts = await this.sheets.facts(tx, [...released, ...completed].flatMap((r) => r.sheet.signalIds));
    for (const pending of released) {
      const { sheet, event } = pending;
      this.logger.info({ component: CASE_EVENTS_CONSUMER, referralId: event.payload.referralId }, 'referral published: its signal facts arrived');
      const item = { waitList: 'tables_pending_referrals', id: String(event.payload.referralId), caseId: sheet.caseId, row: pending } as const;
      const publish = () => this.referrals.publish(tx, sheet, knownFacts(sheet, facts), event);
      const reject = (errorCode: string) => this.referrals.rejectUndeliverable(tx, sheet, event, errorCode);
      if (await this.releaseOne(tx, attempt, item, publish, reject)) count.referrals++;
    }
    for (const pending of completed) {
      this.logger.info({ component: CASE_EVENTS_CONSUMER, escalationId: pending.escalationId }, 'escalation supplemented: its signal facts arrived');
      const item = { waitList: 'tables_pending_escalation_facts', id: pending.escalationId, caseId: pending.sheet.caseId, row: pending } as const;
      if (await this.releaseOne(tx, attempt, item, () => this.escalations.supplement(tx, pending, knownFacts(pending.sheet, facts)))) count.escalations++;
    }
    return count;
  }

  /**
   * Sends one referral or complete case that waited for signal facts (`send`). Until the consumer gives up on the
   * batch (`CONSUMER_MAX_ATTEMPTS`), a failure fails the batch, which is delivered again. On that last delivery it
   * is sent under a savepoint, and one that still fails for a reason that is not transient goes to the dead letters
   * on its own (`recordFailedRelease`, logged with its id): the fact that released it is recorded, and so are the
   * other referrals and cases it released. Otherwise the healthy `SignalReceived` would be the dead letter, its fact
   * never recorded, and everything else waiting for it would wait for good. `giveUp` then tells whom it concerns (a
   * referral is rejected back to its case); when that fails too, the dead letter and the log are all there is.
   */
  private async releaseOne(
    tx: SqlExecutor,
    attempt: number,
    item: Omit<FailedRelease, 'error' | 'attempts'>,
    send: () => Promise<boolean>,
    giveUp?: (errorCode: string) => Promise<void>,
  ): Promise<boolean> {
    if (attempt < this.appConfig.CONSUMER_MAX_ATTEMPTS) return send();
    const outcome = await underSavepoint(tx, send);
    if ('value' in outcome) return outcome.value;
    const errorCode = failureCodeOf(outcome.failure);
    await recordFailedRelease(tx, CASE_EVENTS_CONSUMER, { ...item, error: outcome.failure, attempts: attempt });
    this.logger.error(
      { component: CASE_EVENTS_CONSUMER, waitList: item.waitList, id: item.id, caseId: item.caseId, attempts: attempt, errorCode },
      'released by its signal facts but could not go out: it went to the dead letters; the facts and the rest it waited with are recorded',
    );
    const told = giveUp ? await underSavepoint(tx, () => giveUp(errorCode)) : null;
    if (told && 'failure' in told) {
      this.logger.error({ component: CASE_EVENTS_CONSUMER, waitList: item.waitList, id: item.id, caseId: item.caseId, errorCode: failureCodeOf(told.failure) }, 'could not record that it was not delivered');
    }
    return false;
  }

  /**
   * `facts` with those of `signalIds` it misses looked up once more under the signals' locks: a fact committed
   * meanwhile is seen, and one committed after this transaction finds what parks for it (a referral, an escalation's
   * complete case).
   */
  private async factsUnderLock(tx: SqlExecutor, signalIds: readonly string[], facts: Map<string, SignalFacts>): Promise<Map<string, SignalFacts>> {
    const missing = [...new Set(signalIds.filter((id) => !facts.has(id)))];
    if (missing.length === 0) return facts;
    await this.pending.lockSignals(tx, missing);
    const known = new Map(facts);
    for (const [id, f] of await this.sheets.facts(tx, missing)) known.set(id, f);
    return known;
  }

  /**
   * Publishes each referral whose signal facts are all known, and parks the others until their facts
   * arrive. Missing facts are looked up once more under the signals' locks, so a fact committed meanwhile
   * is seen, and one committed after this transaction will find the parked referral. Returns how many it
   * published.
   */
  private async publishOrPark(tx: SqlExecutor, referred: PendingReferral[], facts: Map<string, SignalFacts>): Promise<number> {
    const known = await this.factsUnderLock(tx, referred.flatMap((r) => r.sheet.signalIds), facts);
    let published = 0;
    for (const r of referred) {
      const referralId = r.event.payload.referralId as string;
      const waitingFor = r.sheet.signalIds.filter((id) => !known.has(id));
      if (waitingFor.length > 0) {
        await this.pending.park(tx, referralId, r, waitingFor);
        this.logger.info({ component: CASE_EVENTS_CONSUMER, referralId, waitingFor: waitingFor.length }, 'referral waits for its signal facts');
        continue;
      }
      if (await this.referrals.publish(tx, r.sheet, knownFacts(r.sheet, known), r.event)) published++;
    }
    return published;
  }
}

/** The facts of the sheet's signals that are known, in the sheet's order. */
function knownFacts(sheet: CaseSheet, facts: Map<string, SignalFacts>): SignalFacts[] {
  return sheet.signalIds.map((id) => facts.get(id)).filter((f): f is SignalFacts => f !== undefined);
}
