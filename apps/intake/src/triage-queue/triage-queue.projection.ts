import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { TOPICS, type EventEnvelope } from '#contracts';
import {
  SIGNAL_DISMISSED_EVENT_TYPE,
  SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE,
  SIGNAL_RECEIVED_EVENT_TYPE,
  type CaseEvent,
  type SignalReceivedPayload,
} from '#domain';
import { deadLetteringBatch, Inbox, MalformedMessageError, quoteIdent, readEnvelopes, rowsSource, type Database, type ProjectionDefinition, type ProjectionTableNames, type RowTable, type SqlExecutor } from '#eventstore';
import { MESSAGE_TRANSPORT, type IncomingMessage, type MessageTransport, type Subscription } from '#messaging';
import { APP_CONFIG, DATABASE, LOGGER, type AppConfig } from '#platform';

export const TRIAGE_QUEUE_CONSUMER = 'intake.triage-queue';
/** Topics the triage queue reads: signals (received, linked, dismissed) and cases (opened, signal added). */
export const TRIAGE_QUEUE_TOPICS = [TOPICS.signals, TOPICS.cases];

const CASE_OPENED: CaseEvent['type'] = 'CaseOpened';
const SIGNAL_ADDED_TO_CASE: CaseEvent['type'] = 'SignalAddedToCase';
const QUEUE_EVENT_TYPES: readonly string[] = [SIGNAL_RECEIVED_EVENT_TYPE, SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE, SIGNAL_DISMISSED_EVENT_TYPE, CASE_OPENED, SIGNAL_ADDED_TO_CASE];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);
/** Largest batch of new signals applied in one statement (keeps a statement's arrays to a few megabytes). */
const RECEIVED_FAST_PATH_MAX = 2000;

/** The queue's table at its live name; a replay passes its own (`triage_queue_replay_<n>`). */
const LIVE_TABLES: ProjectionTableNames = { triage_queue: 'triage_queue' };
const queueOf = (tables: ProjectionTableNames) => quoteIdent(tables.triage_queue!);

/**
 * A case event can arrive before the signal it names (the cases and signals topics are not ordered with each other,
 * and on several intake processes both may be applied at the same moment). So whichever comes first writes the
 * signal's row: a case link alone makes a placeholder row (no municipality, so no query shows it), the signal fills
 * it in. Both are upserts on the row's key, so the unique index puts two concurrent writers one after the other and
 * the second sees the first's row: neither the link nor the signal can be lost.
 */
const CASE_LINK_UPSERT = (queue: string) =>
  `ON CONFLICT (signal_id) DO UPDATE SET case_id = EXCLUDED.case_id, status = CASE WHEN ${queue}.status = 'afgewezen' THEN ${queue}.status ELSE 'in-behandeling' END`;

/** A new signal's queue values, as bound (`rowsSource`: VALUES for one or two, else one array per column). */
const RECEIVED_COLUMNS: RowTable['columns'] = [
  ['signal_id', 'uuid'], ['municipality', 'text'], ['source', 'text'], ['received_at', 'timestamptz'], ['recorded_at', 'timestamptz'],
  ['external_ref', 'text'], ['theme', 'text'], ['urgency', 'text'], ['wvggz', 'boolean'], ['special_category', 'boolean'],
  ['details', 'jsonb'], ['event_position', 'bigint'], ['event_id', 'text'],
];

/**
 * Inserts a run of `SignalReceived` events as queue rows in one multi-row statement. A case event that came
 * before its signal left a placeholder row; the signal fills it in and stays in that case.
 */
async function insertReceived(tx: SqlExecutor, events: EventEnvelope[], tables: ProjectionTableNames): Promise<void> {
  const params: unknown[] = [];
  const param = (value: unknown): string => `$${params.push(value)}`;
  await tx.query(insertReceivedSql(events, tables, param), params);
}

/**
 * The INSERT of {@link insertReceived}, binding values through `param`. With `claimedCte`, only rows whose event id the
 * named CTE returned (the inbox claim of the same statement) are inserted.
 */
function insertReceivedSql(events: EventEnvelope[], tables: ProjectionTableNames, param: (value: unknown) => string, claimedCte?: string): string {
  const queue = queueOf(tables);
  // One row per signal: an upsert may not touch a row twice in one statement.
  const bySignal = new Map(events.map((event) => [String((event.payload as unknown as SignalReceivedPayload).signalId).toLowerCase(), event]));
  const rows = [...bySignal.values()].map((event) => {
    const p = event.payload as unknown as SignalReceivedPayload;
    const { reporterRef: _ref, ...details } = p as typeof p & { reporterRef?: string };
    return {
      signal_id: p.signalId, municipality: p.municipality, source: p.source, received_at: p.receivedAt, recorded_at: event.recordedAt,
      external_ref: p.externalRef, theme: p.source === 'mma' ? p.theme : null, urgency: p.source === 'zorgmelding' ? p.urgency : null,
      wvggz: p.source === 'zorgmelding' ? p.wvggz : null, special_category: event.specialCategory, details: JSON.stringify(details),
      event_position: event.position, event_id: event.id,
    };
  });
  return (
    `INSERT INTO ${queue} AS q (signal_id, municipality, source, status, received_at, recorded_at, external_ref, theme, urgency, wvggz, special_category, details, event_position)
     SELECT v.signal_id, v.municipality, v.source, 'nieuw', v.received_at, v.recorded_at,
            v.external_ref, v.theme, v.urgency, v.wvggz, v.special_category, v.details, v.event_position
       FROM ${rowsSource(RECEIVED_COLUMNS, rows, param)} AS v (${RECEIVED_COLUMNS.map(([column]) => column).join(', ')})
      ${claimedCte ? `WHERE v.event_id IN (SELECT message_id FROM ${claimedCte})` : ''}
     ON CONFLICT (signal_id) DO UPDATE SET municipality = EXCLUDED.municipality, source = EXCLUDED.source, received_at = EXCLUDED.received_at,
            recorded_at = EXCLUDED.recorded_at, external_ref = EXCLUDED.external_ref, theme = EXCLUDED.theme, urgency = EXCLUDED.urgency,
            wvggz = EXCLUDED.wvggz, special_category = EXCLUDED.special_category, details = EXCLUDED.details, event_position = EXCLUDED.event_position
      WHERE q.source IS NULL`
  );
}

/**
 * Applies a triage event or case event to the queue. Status precedence: afgewezen > in-behandeling >
 * gekoppeld > nieuw (a link does not take a signal out of its case). A case link for a signal that has not
 * arrived yet makes its placeholder row. Unreadable payloads are ignored.
 */
async function applyTriageChange(tx: SqlExecutor, event: EventEnvelope, tables: ProjectionTableNames): Promise<void> {
  const queue = queueOf(tables);
  const p = event.payload as Record<string, unknown>;
  switch (event.type) {
    case SIGNAL_LINKED_TO_SUBJECT_EVENT_TYPE:
      if (!isUuid(p.signalId) || !isUuid(p.subjectId)) return;
      await tx.query(`UPDATE ${queue} SET subject_id = $2::uuid, status = CASE WHEN status = 'nieuw' THEN 'gekoppeld' ELSE status END WHERE signal_id = $1::uuid`, [p.signalId, p.subjectId]);
      return;
    case SIGNAL_DISMISSED_EVENT_TYPE:
      if (!isUuid(p.signalId)) return;
      await tx.query(`UPDATE ${queue} SET status = 'afgewezen' WHERE signal_id = $1::uuid`, [p.signalId]);
      return;
    case CASE_OPENED:
    case SIGNAL_ADDED_TO_CASE: {
      const links = linksOf(event);
      if (links.length === 0) return;
      const params: unknown[] = [];
      await tx.query(caseLinksSql(links, tables, (value) => `$${params.push(value)}`), params);
      return;
    }
    default:
      return;
  }
}

/** The signals a `CaseOpened` or `SignalAddedToCase` puts in its case, or null when its payload is unreadable. */
function caseMembershipOf(event: EventEnvelope): string[] | null {
  const p = event.payload as Record<string, unknown>;
  const signalIds = event.type === CASE_OPENED ? p.signalIds : [p.signalId];
  if (!isUuid(p.caseId) || !Array.isArray(signalIds) || signalIds.length === 0 || !signalIds.every(isUuid)) return null;
  return signalIds;
}

/** One signal put in a case, by the event that says so. */
interface CaseLink {
  readonly event_id: string;
  readonly signal_id: string;
  readonly case_id: string;
}
const CASE_LINK_COLUMNS: RowTable['columns'] = [['event_id', 'text'], ['signal_id', 'uuid'], ['case_id', 'uuid']];

/** The links of one case-membership event, a signal named twice once; none when its payload is unreadable. */
function linksOf(event: EventEnvelope): CaseLink[] {
  const signalIds = caseMembershipOf(event) ?? [];
  const caseId = (event.payload as Record<string, string>).caseId!;
  return [...new Map(signalIds.map((id) => [id.toLowerCase(), id])).values()].map((signal_id) => ({ event_id: event.id, signal_id, case_id: caseId }));
}

/**
 * The links of a batch of only case-membership events, for one statement; null when a signal occurs twice
 * (then the order of the events decides its case, which one statement cannot keep: apply them in turn).
 * Events with an unreadable payload give no link (they are claimed and ignored, as one at a time).
 */
export function caseLinksOf(events: readonly EventEnvelope[]): CaseLink[] | null {
  const links: CaseLink[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    if (event.type !== CASE_OPENED && event.type !== SIGNAL_ADDED_TO_CASE) return null;
    for (const link of linksOf(event)) {
      const key = link.signal_id.toLowerCase();
      if (seen.has(key)) return null;
      seen.add(key);
      links.push(link);
    }
  }
  return links;
}

/**
 * The upsert of `links` (each signal at most once). With `claimedCte`, it is the rest of one statement after the
 * inbox's claim, and only links of claimed events are written.
 */
function caseLinksSql(links: readonly CaseLink[], tables: ProjectionTableNames, param: (value: unknown) => string, claimedCte?: string): string {
  const queue = queueOf(tables);
  return `
     INSERT INTO ${queue} (signal_id, status, case_id)
     SELECT v.signal_id, 'in-behandeling', v.case_id FROM ${rowsSource(CASE_LINK_COLUMNS, links as unknown as Record<string, unknown>[], param)} AS v (event_id, signal_id, case_id)
      ${claimedCte ? `WHERE v.event_id IN (SELECT message_id FROM ${claimedCte})` : ''}
     ${CASE_LINK_UPSERT(queue)}`;
}

/** True for the events the triage queue shows (received signals, triage results, case membership). */
export function isTriageQueueEvent(event: EventEnvelope): boolean {
  return QUEUE_EVENT_TYPES.includes(event.type);
}

/**
 * Applies events to the triage queue in order, inside the caller's transaction. Consecutive
 * `SignalReceived` events go in as one statement; events the queue does not show are ignored.
 */
export async function applyToTriageQueue(tx: SqlExecutor, events: readonly EventEnvelope[], tables: ProjectionTableNames = LIVE_TABLES): Promise<void> {
  let received: EventEnvelope[] = [];
  const flush = async () => {
    if (received.length > 0) await insertReceived(tx, received, tables);
    received = [];
  };
  for (const event of events) {
    switch (event.type) {
      case SIGNAL_RECEIVED_EVENT_TYPE:
        received.push(event);
        // Replays pass big batches: a statement holds at most this many rows.
        if (received.length >= RECEIVED_FAST_PATH_MAX) await flush();
        break;
      default:
        await flush();
        await applyTriageChange(tx, event, tables);
    }
  }
  await flush();
}

/** The triage queue as a rebuildable projection (`npm run audit -- replay --projection triage-queue`). */
export const TRIAGE_QUEUE_PROJECTION: ProjectionDefinition = {
  name: 'triage-queue',
  description: "Intake: the coordinators' triage queue (signals with their status, subject and case)",
  tables: [{ name: 'triage_queue', primaryKey: ['signal_id'] }],
  eventTypes: QUEUE_EVENT_TYPES,
  apply: applyToTriageQueue,
};

/**
 * The coordinators' triage queue: a read model fed from `signaalroute.signals.v1` (and, for the case a
 * signal went into, `signaalroute.cases.v1`), consumed in batches.
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
      { groupId: `${this.config.KAFKA_CLIENT_ID}.${TRIAGE_QUEUE_CONSUMER}`, topics: TRIAGE_QUEUE_TOPICS, fromBeginning: true },
      deadLetteringBatch((batch) => this.handleBatch(batch), {
        db: this.db,
        consumer: TRIAGE_QUEUE_CONSUMER,
        maxAttempts: this.config.CONSUMER_MAX_ATTEMPTS,
        log: (fields, text) => this.logger.error({ component: TRIAGE_QUEUE_CONSUMER, ...fields }, text),
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  async handleBatch(batch: IncomingMessage[]): Promise<void> {
    const events = readEnvelopes(batch, (message) => {
      throw new MalformedMessageError(`${message.topic} offset ${message.offset}: not an event envelope`);
    });
    // Only events the queue shows are claimed: the cases topic carries many it does not (transitions, notes).
    const shown = events.filter((e) => typeof e?.id === 'string' && isTriageQueueEvent(e) && e.payload !== null && typeof e.payload === 'object');
    if (shown.length === 0) return;
    if (shown.length <= RECEIVED_FAST_PATH_MAX && shown.every((e) => e.type === SIGNAL_RECEIVED_EVENT_TYPE)) {
      // The common case, new signals only: the inbox claim and the rows in one statement, one round trip.
      await this.inbox.handleBatchInStatement(shown.map((e) => e.id), (param) => insertReceivedSql(shown, LIVE_TABLES, param, 'claimed'));
      return;
    }
    // The other common case, signals put in cases: likewise one statement (four as a transaction).
    const links = caseLinksOf(shown);
    if (links && links.length > 0) {
      await this.inbox.handleBatchInStatement(shown.map((e) => e.id), (param) => caseLinksSql(links, LIVE_TABLES, param, 'claimed'));
      return;
    }
    await this.db.transaction(async (tx) => {
      const fresh = await this.inbox.claimBatch(tx, shown.map((e) => e.id));
      await applyToTriageQueue(tx, shown.filter((e) => fresh.has(e.id)));
    });
  }
}
