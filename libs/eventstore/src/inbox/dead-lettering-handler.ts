import type { BatchMessageHandler, IncomingMessage, MessageHandler } from '#messaging';
import type { Database } from '../database/sql-executor.js';
import { isDatabaseUnavailable } from '../database/database-unavailable.js';
import { sqlErrorCode } from '../database/sql-executor.js';
import { isInfrastructureError } from '../outbox/outbox-relay.js';
import { Inbox } from './inbox.js';
import { isMalformedMessage } from './malformed-message.error.js';

/** How a consumer gives up on a message that keeps failing. */
export interface DeadLetteringOptions {
  db: Database;
  /** The consumer's name (its inbox consumer); dead letters are recorded with origin `consumer:<name>`. */
  consumer: string;
  /** Deliveries of a message before it is given up on (`CONSUMER_MAX_ATTEMPTS`). */
  maxAttempts: number;
  /**
   * Keep the message's value in the dead letter (default true: an event envelope, its personal values sealed).
   * False for messages from outside whose value may hold personal data in the clear (the Kafka intake).
   */
  keepValue?: boolean;
  /** Logs each dead letter (topic, partition, offset, attempts, error code; never the value). */
  log?: (fields: Record<string, unknown>, text: string) => void;
  /**
   * Tells whom a message concerns that it was given up on, once its dead letter is recorded (a referral the tables
   * app could not deliver is rejected back to its case). It runs again when the message is delivered again, so it
   * must change nothing the second time. A transient failure of it is passed on, so the message comes again (its
   * dead letter is recorded no second time); any other is logged and the partition moves on.
   */
  onGivenUp?: (message: IncomingMessage, errorCode: string) => Promise<void>;
}

/** The code a dead letter records of a failure: its own stable code, else its name (`TypeError`), else `Error`. */
export function failureCodeOf(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown } | null;
  return typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'Error';
}

/**
 * SQLSTATE classes of a failure that says nothing about the message: 40 (serialization failure, deadlock) and
 * 53/57/08 (the server cannot take work now).
 */
const TRANSIENT_SQLSTATE = /^(40|53|57|08)/;

/**
 * Codes of refusals that say "nothing was stored, try again": the database queue full or not moving, the
 * database or processing log away, and a stream that moved on while the message was decided (the consumer
 * decides again on redelivery).
 */
const TRY_AGAIN_CODES = new Set(['SERVICE.OVERLOADED', 'SERVICE.UNAVAILABLE', 'PROCESSING_LOG.UNAVAILABLE', 'EVENTSTORE.VERSION_CONFLICT']);

/**
 * True when a handler's failure is about the moment (the database or broker away or overloaded, a deadlock, a
 * concurrent writer), not about the message: such a message is never given up on, however often it is delivered.
 */
export function isTransientHandlerError(error: unknown): boolean {
  if (isDatabaseUnavailable(error) || isInfrastructureError(error)) return true;
  const e = error as { code?: unknown; retryAfterSeconds?: unknown } | null;
  if (typeof e?.code === 'string' && TRY_AGAIN_CODES.has(e.code)) return true;
  if (typeof e?.retryAfterSeconds === 'number') return true;
  const code = sqlErrorCode(error);
  return code !== undefined && TRANSIENT_SQLSTATE.test(code);
}

/**
 * A batch handler that gives up on a message that keeps failing instead of holding up its partition for
 * good. While a batch fails fewer than `maxAttempts` times, or for a transient reason, the failure is passed
 * on and the transport delivers the batch again (at-least-once, as before). Once the batch's first message was
 * delivered `maxAttempts` times, its messages are handled one at a time: each that fails on its own for a
 * reason that is not transient, and was itself delivered `maxAttempts` times, goes to the `dead_letters` table (with its value, error and attempts, for a
 * person to look at: the `signaalroute_dead_letters` metric counts them) and the partition moves on. The
 * dead letter is claimed in the inbox by topic, partition and offset, so a redelivery records it once. A
 * message handled before the poison one stays handled (the consumer's own inbox makes its redelivery a no-op).
 * A message that joined the batch later and fails alone before its own `maxAttempts` passes the failure on: the
 * batch comes again (its dead-lettered first message is then recorded no second time). A message the handler
 * finds malformed (`MalformedMessageError`) is recorded at its first delivery: no retry can mend it.
 */
export function deadLetteringBatch(handler: BatchMessageHandler, options: DeadLetteringOptions): BatchMessageHandler {
  const letters = new DeadLetters(options);
  return async (batch) => {
    try {
      await handler(batch);
    } catch (error) {
      if (isTransientHandlerError(error) || (batch[0]!.attempt < options.maxAttempts && !isMalformedMessage(error))) throw error;
      // A batch of one already failed alone.
      if (batch.length === 1) return letters.record(batch[0]!, error);
      for (const message of batch) {
        try {
          await handler([message]);
        } catch (alone) {
          if (isTransientHandlerError(alone) || (message.attempt < options.maxAttempts && !isMalformedMessage(alone))) throw alone;
          await letters.record(message, alone);
        }
      }
    }
  };
}

/** `deadLetteringBatch` for a handler of one message at a time (each delivery a batch of one). */
export function deadLettering(handler: MessageHandler, options: DeadLetteringOptions): MessageHandler {
  const batch = deadLetteringBatch(([message]) => handler(message!), options);
  return (message) => batch([message]);
}

/** Records dead letters of one consumer, each once. */
class DeadLetters {
  private readonly inbox: Inbox;

  constructor(private readonly options: DeadLetteringOptions) {
    this.inbox = new Inbox(options.db, `${options.consumer}.dead-letters`);
  }

  async record(message: IncomingMessage, error: unknown): Promise<void> {
    const e = error as { message?: unknown } | null;
    const code = failureCodeOf(error);
    const text = typeof e?.message === 'string' ? e.message : String(error);
    const headers = { ...message.headers, 'dead-letter-origin': `consumer:${this.options.consumer}`, 'dead-letter-partition': String(message.partition), 'dead-letter-offset': message.offset };
    await this.inbox.handleBatchInStatement(
      [`${message.topic}:${message.partition}:${message.offset}`],
      (param) =>
        `INSERT INTO dead_letters (origin, topic, message_key, message_value, headers, error_code, error, attempts)
         SELECT ${param(`consumer:${this.options.consumer}`)}, ${param(message.topic)}, ${param(message.key)}, ${param(this.options.keepValue === false ? '' : message.value.toString('utf8'))},
                ${param(JSON.stringify(headers))}::jsonb, ${param(code)}, ${param(text.slice(0, 2000))}, ${param(message.attempt)}::int
          WHERE EXISTS (SELECT 1 FROM claimed)`,
    );
    this.options.log?.(
      { topic: message.topic, partition: message.partition, offset: message.offset, attempts: message.attempt, errorCode: code },
      `a message failed ${message.attempt} times and went to the dead letters; the partition moves on`,
    );
    try {
      await this.options.onGivenUp?.(message, code);
    } catch (failure) {
      if (isTransientHandlerError(failure)) throw failure;
      this.options.log?.(
        { topic: message.topic, partition: message.partition, offset: message.offset, errorCode: failureCodeOf(failure) },
        'a dead-lettered message could not be reported to whom it concerns',
      );
    }
  }
}
