import type { MessageTransport, OutgoingMessage } from '#messaging';
import type { Database } from '../database/sql-executor.js';
import { recordDeadLetter } from './dead-letter.js';
import { rowToEnvelope, type EventRow } from '../event-row.js';
import { DUE_OUTBOX_ROWS_SQL } from './due-outbox-rows.js';
import type { RelayLeadership } from './relay-leadership.js';

export interface OutboxRelayOptions {
  /** Rows taken per round. */
  batchSize?: number;
  /** Idle poll interval; appends in this process also nudge the relay directly. */
  pollIntervalMs?: number;
  /** Shortest time between the starts of two nudged rounds (batches events under load). Default 10 ms. */
  minRoundIntervalMs?: number;
  /** Attempts after which a message that keeps failing goes to the dead-letter topic and table. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  deadLetterTopic: string;
  /**
   * Which relay of the database publishes: `PostgresRelayLeadership` where several processes share one
   * PostgreSQL database, `SOLE_RELAY` where this is the only relay (the embedded default, a test).
   */
  leadership: RelayLeadership;
  onError?: (error: unknown, context: Record<string, unknown>) => void;
}

interface OutboxRow {
  id: string;
  event_id: string;
  topic: string;
  message_key: string;
  /** Set for raw messages (e.g. dead letters); null for events, whose message is built from the event row. */
  message_value: string | null;
  headers: Record<string, string> | string;
  attempts: number;
  event: (EventRow & { position: string | number }) | null;
}

interface Outgoing {
  row: OutboxRow;
  message: OutgoingMessage;
}

/**
 * Whether any outbox row is due: one probe of the `outbox_due` index. A poll that finds nothing costs this one
 * statement instead of a round's read of the due rows with their events.
 */
const ANY_DUE_SQL = 'SELECT EXISTS (SELECT 1 FROM outbox WHERE next_attempt_at <= now()) AS due';

/**
 * Publishes outbox rows to the transport in id order, keyed by stream id, and deletes them once the
 * transport acknowledged them. A crash between publish and delete publishes again; consumers' inboxes
 * make that harmless. A row whose publication keeps failing backs off exponentially (later rows of the
 * same key wait behind it) and, after `maxAttempts`, moves to the dead-letter topic and table.
 *
 * Only the leading relay of a database runs rounds (`RelayLeadership`): a round is then two statements outside
 * a transaction (read the due rows, delete the published ones). A relay that does not lead passes its nudges
 * on to the leader and polls nothing.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly minRoundIntervalMs: number;
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private pendingNudge = false;
  private readonly leadership: RelayLeadership;

  constructor(
    private readonly db: Database,
    private readonly transport: MessageTransport,
    private readonly options: OutboxRelayOptions,
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.minRoundIntervalMs = options.minRoundIntervalMs ?? 10;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.baseBackoffMs = options.baseBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.leadership = options.leadership;
  }

  /** Whether this relay publishes (it leads its database's relays). */
  get leading(): boolean {
    return this.leadership.leading;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // Becoming the leader (at start or when the leader went away) is a nudge: rows may be waiting.
    await this.leadership.start({ onWake: () => this.wakeUp(), onChange: (leading) => leading && this.wakeUp() });
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
    await this.leadership.stop();
  }

  /** Tells the relay there is new work (saves a poll interval of latency); the leader's, when it is in another process. */
  nudge(): void {
    if (this.leadership.leading) this.wakeUp();
    else this.leadership.wakeLeader();
  }

  /** One round: publishes up to `batchSize` due rows. Returns how many rows left the outbox (none when this relay does not lead). */
  async relayOnce(): Promise<number> {
    return this.leadership.leading ? this.round() : 0;
  }

  private wakeUp(): void {
    this.pendingNudge = true;
    this.wake?.();
  }

  /** Reads the due rows, publishes them topic by topic and deletes what the transport acknowledged. */
  private async round(): Promise<number> {
    const due = await this.db.query<OutboxRow>(DUE_OUTBOX_ROWS_SQL, [this.batchSize]);
    if (due.rows.length === 0) return 0;
    const byTopic = new Map<string, Outgoing[]>();
    for (const row of due.rows) {
      const list = byTopic.get(row.topic) ?? [];
      list.push({ row, message: toMessage(row) });
      byTopic.set(row.topic, list);
    }
    const done: string[] = [];
    let deadLettered = 0;
    for (const [topic, rows] of byTopic) {
      try {
        await this.transport.publish(topic, rows.map((r) => r.message));
        done.push(...rows.map((r) => r.row.id));
      } catch (error) {
        if (isInfrastructureError(error)) {
          // The broker is away: nothing is wrong with these messages, so they are not charged an attempt.
          this.options.onError?.(error, { topic, rows: rows.length, kind: 'infrastructure' });
          break;
        }
        const isolated = await this.publishOneByOne(topic, rows);
        done.push(...isolated.published);
        deadLettered += isolated.deadLettered;
      }
    }
    if (done.length > 0) await this.db.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [done]);
    return done.length + deadLettered;
  }

  /**
   * Isolates the message(s) that fail so one bad message does not hold back the rest. A message out of attempts
   * goes to the dead-letter topic, then its `dead_letters` row and the removal of its outbox row commit together.
   */
  private async publishOneByOne(topic: string, rows: Outgoing[]): Promise<{ published: string[]; deadLettered: number }> {
    const published: string[] = [];
    let deadLettered = 0;
    const blockedKeys = new Set<string>();
    for (const { row, message: outgoing } of rows) {
      if (blockedKeys.has(row.message_key)) continue;
      try {
        await this.transport.publish(topic, [outgoing]);
        published.push(row.id);
      } catch (error) {
        const attempts = row.attempts + 1;
        const message = error instanceof Error ? error.message : String(error);
        this.options.onError?.(error, { topic, outboxId: row.id, attempts });
        if (attempts >= this.maxAttempts) {
          await this.transport
            .publish(this.options.deadLetterTopic, [
              { key: row.message_key, value: outgoing.value.length > 900_000 ? JSON.stringify({ eventId: row.event_id, truncated: true }) : outgoing.value, headers: { ...outgoing.headers, 'dead-letter-origin': 'outbox-relay', 'dead-letter-topic': topic, 'dead-letter-error': message.slice(0, 500) } },
            ])
            .catch((dlqError: unknown) => this.options.onError?.(dlqError, { topic: this.options.deadLetterTopic, outboxId: row.id }));
          await this.db.transaction(async (tx) => {
            await recordDeadLetter(tx, {
              origin: 'outbox-relay',
              topic,
              key: row.message_key,
              value: String(outgoing.value),
              headers: outgoing.headers ?? {},
              errorCode: 'OUTBOX.PUBLISH_FAILED',
              error: message,
              attempts,
            });
            await tx.query('DELETE FROM outbox WHERE id = $1', [row.id]);
          });
          deadLettered++;
        } else {
          blockedKeys.add(row.message_key);
          const delay = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (attempts - 1));
          await this.db.query(
            `UPDATE outbox SET attempts = $2, last_error = $3, next_attempt_at = now() + ($4 || ' milliseconds')::interval WHERE id = $1`,
            [row.id, attempts, message.slice(0, 2000), String(delay)],
          );
        }
      }
    }
    return { published, deadLettered };
  }

  /** True when a round would find something to publish (see `ANY_DUE_SQL`). */
  private async anyDue(): Promise<boolean> {
    const r = await this.db.query<{ due: boolean }>(ANY_DUE_SQL);
    return r.rows[0]?.due === true;
  }

  private async run(): Promise<void> {
    let idleDelay = this.pollIntervalMs;
    while (this.running) {
      const roundStarted = Date.now();
      let moved = 0;
      const nudged = this.pendingNudge;
      this.pendingNudge = false;
      if (this.leadership.leading) {
        try {
          // After a nudge there is work: straight into a round. A poll looks first.
          moved = !nudged && !(await this.anyDue()) ? 0 : await this.round();
          idleDelay = this.pollIntervalMs;
        } catch (error) {
          this.options.onError?.(error, { kind: 'relay-round' });
          idleDelay = Math.min(this.maxBackoffMs, idleDelay * 2);
        }
      }
      if (moved >= this.batchSize) continue;
      if (this.pendingNudge) {
        // Under load every append nudges: rounds at most every minRoundIntervalMs make batches instead of
        // a round (and its queries) per event, for a few milliseconds of latency.
        const wait = this.minRoundIntervalMs - (Date.now() - roundStarted);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      // stop() may have been called while the round ran (it found no wait to cut short): do not start one.
      if (!this.running) break;
      // A relay that does not lead polls nothing: it waits until it leads (or stops).
      await new Promise<void>((resolve) => {
        const timer = this.leadership.leading ? setTimeout(resolve, idleDelay) : undefined;
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}

function headersOf(row: OutboxRow): Record<string, string> {
  return typeof row.headers === 'string' ? JSON.parse(row.headers) : row.headers;
}

/** The Kafka message of an outbox row: the event envelope as JSON, or the row's raw value. */
function toMessage(row: OutboxRow): OutgoingMessage {
  if (row.message_value !== null || !row.event) {
    return { key: row.message_key, value: row.message_value ?? JSON.stringify({ eventId: row.event_id, missing: true }), headers: headersOf(row) };
  }
  const envelope = rowToEnvelope({ ...row.event, position: String(row.event.position) });
  const headers: Record<string, string> = { 'event-id': envelope.id, 'event-type': envelope.type, 'correlation-id': envelope.correlationId };
  if (envelope.traceparent) headers.traceparent = envelope.traceparent;
  return { key: row.message_key, value: JSON.stringify(envelope), headers };
}

/**
 * Errors that say the broker is unreachable rather than that a message is bad: no attempt is charged
 * for them. kafkajs wraps the root cause in KafkaJSNonRetriableError; retries exhausted on a retriable
 * error (KafkaJSNumberOfRetriesExceeded) also means the broker, not the message. A transport may mark
 * an error `transient: true` itself.
 */
export function isInfrastructureError(error: unknown): boolean {
  let e = error as { name?: string; cause?: unknown; transient?: boolean } | null;
  if (!e || typeof e !== 'object') return false;
  if (e.transient === true || e.name === 'KafkaJSNumberOfRetriesExceeded') return true;
  while (e && e.name === 'KafkaJSNonRetriableError' && e.cause && typeof e.cause === 'object') e = e.cause as typeof e;
  return /Connection|RequestTimeout|BrokerNotFound|NoBrokerAvailable|MetadataNotLoaded|LockTimeout|KafkaJSTimeout/.test(e?.name ?? '');
}
