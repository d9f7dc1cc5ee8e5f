import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { TOPICS, type EventEnvelope } from '#contracts';
import {
  SIGNAL_DISMISSED_EVENT_TYPE,
  SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE,
  SIGNAL_RECEIVED_EVENT_TYPE,
  signalSubjectHints,
  type CaseEvent,
  type SignalReceivedPayload,
} from '#domain';
import { deadLetteringBatch, Inbox, MalformedMessageError, quoteIdent, type Database, type ProjectionDefinition, type ProjectionTableNames, type SqlExecutor } from '#eventstore';
import { MESSAGE_TRANSPORT, type IncomingMessage, type MessageTransport, type Subscription } from '#messaging';
import { APP_CONFIG, DATABASE, LOGGER, type AppConfig } from '#platform';
import { CASE_LINK_UPSERT } from './router-signal-case-links.js';
import { isUuid } from './signal-stream.js';

/** Inbox consumer name; the consumer group is `${KAFKA_CLIENT_ID}.router.signals`. */
export const ROUTER_SIGNALS_CONSUMER = 'router.signals';
/**
 * Topics the projection reads live. Not `signaalroute.cases.v1`: the case commit writes the signals' case itself
 * (`caseLinkRows`); a replay from the event log still applies `CaseOpened` and `SignalAddedToCase` here.
 */
export const ROUTER_SIGNALS_TOPICS = [TOPICS.signals];

const CASE_OPENED: CaseEvent['type'] = 'CaseOpened';
const SIGNAL_ADDED_TO_CASE: CaseEvent['type'] = 'SignalAddedToCase';
const CLAIMED = 'EXISTS (SELECT 1 FROM claimed)';

const ROUTER_SIGNALS_EVENT_TYPES: readonly string[] = [SIGNAL_RECEIVED_EVENT_TYPE, SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE, SIGNAL_DISMISSED_EVENT_TYPE, CASE_OPENED, SIGNAL_ADDED_TO_CASE];

/**
 * The one statement that applies `event` to `router_signals` (or the table named `table`, for a replay),
 * for `Inbox.handleOnceInStatement` (guarded by the inbox claim), or null for events the read model does
 * not use and for payloads it cannot read.
 */
export function routerSignalsEffect(event: EventEnvelope, param: (value: unknown) => string, table = 'router_signals'): string | null {
  const p = event.payload as Record<string, unknown>;
  const t = quoteIdent(table);
  switch (event.type) {
    case SIGNAL_RECEIVED_EVENT_TYPE: {
      const s = p as unknown as SignalReceivedPayload;
      if (!isUuid(s.signalId)) return null;
      const v = [
        s.signalId, s.municipality, s.source, s.source === 'mma' ? s.theme : null, s.receivedAt,
        s.source === 'zorgmelding' ? s.reporterRelation : null, s.source === 'zorgmelding' ? s.wvggz : null,
        JSON.stringify(signalSubjectHints(s)), event.position,
      ].map(param);
      // A row a case event left before the signal arrived is filled in; an existing signal is never overwritten.
      return `INSERT INTO ${t} AS rs (signal_id, municipality, source, theme, received_at, reporter_relation, wvggz, hints, received_position)
              SELECT ${v[0]}::uuid, ${v[1]}, ${v[2]}, ${v[3]}, ${v[4]}::timestamptz, ${v[5]}, ${v[6]}::boolean, ${v[7]}::jsonb, ${v[8]}::bigint WHERE ${CLAIMED}
              ON CONFLICT (signal_id) DO UPDATE SET municipality = EXCLUDED.municipality, source = EXCLUDED.source, theme = EXCLUDED.theme,
                received_at = EXCLUDED.received_at, reporter_relation = EXCLUDED.reporter_relation, wvggz = EXCLUDED.wvggz, hints = EXCLUDED.hints,
                received_position = EXCLUDED.received_position, updated_at = now()
              WHERE rs.source IS NULL`;
    }
    case SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE:
      if (!isUuid(p.signalId) || !isUuid(p.subjectId)) return null;
      return `UPDATE ${t} SET subject_id = ${param(p.subjectId)}::uuid, updated_at = now() WHERE signal_id = ${param(p.signalId)}::uuid AND ${CLAIMED}`;
    case SIGNAL_DISMISSED_EVENT_TYPE:
      if (!isUuid(p.signalId)) return null;
      return `UPDATE ${t} SET dismissed = true, updated_at = now() WHERE signal_id = ${param(p.signalId)}::uuid AND ${CLAIMED}`;
    case CASE_OPENED:
    case SIGNAL_ADDED_TO_CASE: {
      const signalIds = event.type === CASE_OPENED ? p.signalIds : [p.signalId];
      if (!isUuid(p.caseId) || !Array.isArray(signalIds) || signalIds.length === 0 || !signalIds.every(isUuid)) return null;
      // Upsert: the case event may come before the signal (the topics are not ordered with each other).
      return `INSERT INTO ${t} (signal_id, case_id)
              SELECT id, ${param(p.caseId)}::uuid FROM unnest(${param(signalIds)}::uuid[]) AS id WHERE ${CLAIMED}
              ${CASE_LINK_UPSERT}`;
    }
    default:
      return null;
  }
}

/**
 * Applies events to `router_signals` (or the replay's table) in order, inside the caller's transaction,
 * without the inbox: a replay reads each event once from the log. Unreadable payloads are skipped, as the
 * consumer skips them.
 */
export async function applyToRouterSignals(tx: SqlExecutor, events: readonly EventEnvelope[], tables: ProjectionTableNames): Promise<void> {
  for (const event of events) {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    let effect: string | null;
    try {
      effect = event.payload !== null && typeof event.payload === 'object' ? routerSignalsEffect(event, param, tables.router_signals) : null;
    } catch {
      effect = null;
    }
    // The effect is guarded by the inbox claim (`claimed`); a replay has nothing to claim.
    if (effect) await tx.query(`WITH claimed AS (SELECT 1) ${effect}`, params);
  }
}

/**
 * The router's signal read model as a rebuildable projection (`--projection router-signals`).
 * `updated_at` is the wall clock at apply time (now()), so it is left out of the comparison.
 */
export const ROUTER_SIGNALS_PROJECTION: ProjectionDefinition = {
  name: 'router-signals',
  description: 'Router: signals with their triage status, subject hints, subject and case (statistics, suggestions)',
  tables: [{ name: 'router_signals', primaryKey: ['signal_id'], ignoredColumns: { updated_at: 'wall-clock time of the last apply (now()), not part of any event' } }],
  eventTypes: ROUTER_SIGNALS_EVENT_TYPES,
  apply: applyToRouterSignals,
};

/**
 * Feeds `router_signals` from `signaalroute.signals.v1` (the case a signal went into is written by the case commit), in batches: each batch
 * claims the ids of the events the read model uses in the inbox and applies the new ones, in order, in one
 * transaction (one commit per batch instead of one per event), so redelivery changes nothing; events the
 * read model does not use are skipped without an inbox row.
 */
@Injectable()
export class RouterSignalsProjection implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | null = null;
  private readonly inbox: Inbox;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.inbox = new Inbox(db, ROUTER_SIGNALS_CONSUMER);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.transport.subscribeBatch(
      { groupId: `${this.config.KAFKA_CLIENT_ID}.${ROUTER_SIGNALS_CONSUMER}`, topics: ROUTER_SIGNALS_TOPICS, fromBeginning: true },
      deadLetteringBatch(
        async (batch) => {
          await this.handleBatch(batch);
        },
        {
          db: this.db,
          consumer: ROUTER_SIGNALS_CONSUMER,
          maxAttempts: this.config.CONSUMER_MAX_ATTEMPTS,
          log: (fields, text) => this.logger.error({ component: ROUTER_SIGNALS_CONSUMER, ...fields }, text),
        },
      ),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  /** Applies one message; true when it was applied now (false: a duplicate, or nothing the read model uses). */
  async handle(message: IncomingMessage): Promise<boolean> {
    return (await this.handleBatch([message])) === 1;
  }

  /** Applies a batch in one transaction; returns how many events it applied now. */
  async handleBatch(batch: IncomingMessage[]): Promise<number> {
    const used = new Map<string, EventEnvelope>();
    for (const message of batch) {
      const event = this.usedEvent(message);
      if (event && !used.has(event.id)) used.set(event.id, event);
    }
    if (used.size === 0) return 0;
    // One event, the usual batch at low rates: the inbox claim and the effect in one statement (a transaction
    // takes four: begin, claim, effect, commit).
    if (used.size === 1) {
      const event = [...used.values()][0]!;
      return (await this.inbox.handleOnceInStatement(event.id, (param) => routerSignalsEffect(event, param)!)) ? 1 : 0;
    }
    return this.db.transaction(async (tx) => {
      const fresh = await this.inbox.claimBatch(tx, [...used.keys()]);
      const apply = [...used.values()].filter((e) => fresh.has(e.id));
      await applyToRouterSignals(tx, apply, { router_signals: 'router_signals' });
      return apply.length;
    });
  }

  /**
   * The message's event when the read model uses it; null otherwise.
   * @throws MalformedMessageError for a message that is no event, or an event whose payload the read model cannot
   *   read: it goes to the dead letters at once (no retry can mend it) instead of holding up its partition
   */
  private usedEvent(message: IncomingMessage): EventEnvelope | null {
    if (message.value.length === 0) return null; // a tombstone: no event
    let event: EventEnvelope;
    try {
      event = JSON.parse(message.value.toString('utf8')) as EventEnvelope;
    } catch {
      throw new MalformedMessageError(`${message.topic} offset ${message.offset}: not JSON`);
    }
    if (typeof event?.id !== 'string' || typeof event.type !== 'string' || event.payload === null || typeof event.payload !== 'object') {
      throw new MalformedMessageError(`${message.topic} offset ${message.offset}: an event without id, type or payload`);
    }
    // Events the read model does not use leave no inbox row (a dry run with a dummy placeholder decides).
    try {
      return routerSignalsEffect(event, () => '$0') !== null ? event : null;
    } catch {
      throw new MalformedMessageError(`${event.type} ${event.id}: a payload the router's signal read model cannot read`);
    }
  }
}
