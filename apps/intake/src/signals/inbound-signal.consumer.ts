import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { TOPICS } from '#contracts';
import { DomainError, SIGNAL_SOURCES, type SignalSource } from '#domain';
import { deadLettering, insertRowsSql, recordDeadLetter, type Database, type TableRow } from '#eventstore';
import { MESSAGE_TRANSPORT, type IncomingMessage, type MessageTransport, type Subscription } from '#messaging';
import {
  APP_CONFIG,
  assertStorableText,
  CLOCK,
  continueTrace,
  DATABASE,
  httpStatusForCode,
  idempotencyKeyHeader,
  invalidIdempotencyKey,
  LOGGER,
  processingLogLines,
  PROCESSING_LOG_WRITER,
  processingLogRow,
  SUBJECT_PSEUDONYMIZER,
  type AppConfig,
  type Clock,
  type InStatementProcessingLog,
  type ProcessedSubject,
  type ProcessingLogWriter,
  type SubjectPseudonymizer,
} from '#platform';
import { kafkaIdempotencyKeyHeader } from './kafka-idempotency-key-header.js';
import { ReceiveSignalCommand, type SignalReceipt } from './receive-signal.command.js';
import { INTAKE_PROCESSING } from './signal-stream.js';

export const INBOUND_TOPICS = SIGNAL_SOURCES.map((s) => TOPICS.inbound(s));

/** The inbox consumer whose rows mark the inbound messages already dead-lettered (by `topic:partition:offset:sha256`). */
export const INBOUND_DEAD_LETTERS_CONSUMER = 'intake.inbound.dead-letters';

/** Processing log of Kafka intake: the same activity and purpose as the HTTP routes, one line per message. */
const KAFKA_INTAKE_PROCESSING = { activity: INTAKE_PROCESSING.activity, purpose: INTAKE_PROCESSING.purpose, legalBasis: INTAKE_PROCESSING.legalBasis, subjectType: 'signal' };

const sourceOf = (topic: string): SignalSource | undefined => SIGNAL_SOURCES.find((s) => TOPICS.inbound(s) === topic);

/**
 * Where a signal enters over Kafka: `signaalroute.inbound.<source>.v1`, the same payloads as HTTP.
 * A message that is invalid goes to the dead-letter topic and table with its validation errors and the
 * partition moves on; a failure of our own (database down) is thrown, so the message is redelivered. A redelivered
 * message stores nothing new: the message's own coordinates are one of the signal's idempotency keys. Each message
 * writes a processing-log line, as an HTTP request does: `CONSUME <topic>`, the sender's trace, the signal as subject.
 */
@Injectable()
export class InboundSignalConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | null = null;

  constructor(
    private readonly commands: CommandBus,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PROCESSING_LOG_WRITER) private readonly processingLog: ProcessingLogWriter,
    @Inject(SUBJECT_PSEUDONYMIZER) private readonly pseudonymizer: SubjectPseudonymizer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.transport.subscribe(
      { groupId: `${this.config.KAFKA_CLIENT_ID}.intake.inbound`, topics: INBOUND_TOPICS, fromBeginning: true },
      // A message the intake keeps failing on for another reason than its content (a bug) is given up on too,
      // without its value: an inbound message holds personal data in the clear.
      deadLettering((message) => this.handle(message), {
        db: this.db,
        consumer: 'intake.inbound',
        maxAttempts: this.config.CONSUMER_MAX_ATTEMPTS,
        keepValue: false,
        log: (fields, text) => this.logger.error({ component: 'intake.inbound', ...fields }, text),
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.stop();
  }

  async handle(message: IncomingMessage): Promise<void> {
    const source = sourceOf(message.topic);
    if (!source) return;
    const actor = { id: `kafka:${message.topic}`, role: 'intake-system' as const };
    const startedAt = this.clock().toISOString();
    const header = message.headers.traceparent;
    const trace = continueTrace(header);
    const logLines = (subjectIds: readonly ProcessedSubject[], status: number) =>
      processingLogLines({ processing: KAFKA_INTAKE_PROCESSING, trace, traceparent: header, actor, method: 'CONSUME', route: message.topic, status, startedAt, endedAt: this.clock().toISOString(), subjectIds, pseudonymizer: this.pseudonymizer });
    const lines = (subjectIds: readonly ProcessedSubject[], status: number) => logLines(subjectIds, status).map(processingLogRow);

    // The message's own coordinates and content: a redelivery of it stores nothing new, valid or not.
    const delivered = `${message.topic}:${message.partition}:${message.offset}:${createHash('sha256').update(message.value).digest('hex')}`;
    let body: unknown;
    try {
      body = JSON.parse(message.value.toString('utf8'));
    } catch {
      // A value that cannot be parsed cannot be checked for reporter fields either: keep nothing of it.
      return this.deadLetter(message, delivered, 'HTTP.MALFORMED_JSON', 'The message value is not valid JSON', lines([], 400));
    }
    let key: string | null;
    try {
      key = idempotencyKeyHeader(kafkaIdempotencyKeyHeader(message)) ?? null;
    } catch {
      const refused = invalidIdempotencyKey();
      return this.deadLetter(message, delivered, refused.code, JSON.stringify({ message: refused.message, details: {} }), lines([], httpStatusForCode(refused.code)));
    }
    // The line of a received signal commits in the signal's own statement; a resend's is written after it.
    const processingLog: InStatementProcessingLog = { rows: (subjectIds) => lines(subjectIds, 201), written: false };
    try {
      assertStorableText(body);
      const receipt: SignalReceipt = await this.commands.execute(
        new ReceiveSignalCommand(source, body, actor, null, key, randomUUID(), trace.traceparent, processingLog, delivered),
      );
      if (!processingLog.written) await this.processingLog.write(logLines([receipt.signalId], 201));
    } catch (error) {
      if (error instanceof DomainError) {
        return this.deadLetter(message, delivered, error.code, JSON.stringify({ message: error.message, details: error.details ?? {} }), lines([], httpStatusForCode(error.code)));
      }
      throw error;
    }
  }

  /**
   * Records the dead letter, its message for the dead-letter topic and the processing-log line of the refusal,
   * together. Neither keeps anything of the message's value, only the error (field paths and rule names, never
   * values) and where the message was: an intern-meldpunt report names its reporter, a zorgmelding holds health
   * data, and an MMA tip may hide a reporter under a name no check knows, while the dead-letter store is outside the
   * vault and out of reach of crypto-shredding. The sender still has the message.
   */
  private async deadLetter(message: IncomingMessage, delivered: string, code: string, error: string, logRows: TableRow[]): Promise<void> {
    const value = JSON.stringify({ redacted: true, reason: code });
    const headers = { 'dead-letter-origin': 'intake.inbound', 'dead-letter-topic': message.topic, 'dead-letter-partition': String(message.partition), 'dead-letter-offset': message.offset, 'dead-letter-code': code };
    const recorded = await this.db.transaction(async (tx) => {
      const params: unknown[] = [];
      await tx.query(insertRowsSql(logRows[0]!.table, logRows, (v) => `$${params.push(v)}`), params);
      // A redelivery (the offset was not committed after the dead letter) is processing again, but not a new dead letter.
      const claimed = await tx.query('INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1', [INBOUND_DEAD_LETTERS_CONSUMER, delivered]);
      if (claimed.rows.length === 0) return false;
      await recordDeadLetter(tx, { origin: 'intake.inbound', topic: message.topic, key: message.key, value, headers, errorCode: code, error, attempts: message.attempt });
      await tx.query('INSERT INTO outbox (event_id, topic, message_key, message_value, headers) VALUES ($1, $2, $3, $4, $5)', [
        randomUUID(), TOPICS.deadLetter, message.key ?? message.topic, JSON.stringify({ code, error: JSON.parse(error.startsWith('{') ? error : JSON.stringify(error)), value: null }), JSON.stringify(headers),
      ]);
      return true;
    });
    if (!recorded) return;
    this.logger.warn({ component: 'intake.inbound', topic: message.topic, partition: message.partition, offset: message.offset, code }, 'inbound signal dead-lettered');
  }
}
