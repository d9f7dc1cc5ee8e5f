import { Global, Inject, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Logger } from 'pino';
import { TOPICS } from '#contracts';
import { EmbeddedMessageStore, EventStore, OutboxRelay, PostgresRelayLeadership, SOLE_RELAY, TypeOrmDatabase, type Database, type ProjectionDefinition } from '#eventstore';
import { createTransport, MESSAGE_TRANSPORT, PrefixedTransport, type MessageTransport, type TopicSpec } from '#messaging';
import { BlindIndex, masterKeyProviderFor, type MasterKeyProvider } from '#security';
import { AdmissionControl } from './admission/admission-control.js';
import { CLOCK, systemClock, type Clock } from './clock.js';
import type { AppConfig } from './config/app.config.js';
import { embeddedDatabaseDir } from './config/stored-database.js';
import { HealthController } from './health/health.controller.js';
import { InboxPruner } from './inbox/inbox-pruner.js';
import type { InboxConsumer } from './inbox/inbox-retention.rule.js';
import { RequestKeyWindow } from './request-keys/request-key-expiry.js';
import { RequestKeyPruner, type ExpiringRequestKeys } from './request-keys/request-key-pruner.js';
import { MeteredTransport } from './metrics/metered-transport.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { METRICS, OUTBOX_GAUGES } from './metrics/metrics.tokens.js';
import { registerOutboxGauges, registerRelayLeadingGauge } from './metrics/outbox-gauges.js';
import { ProcessMetrics } from './metrics/process-metrics.js';
import { Keyring } from './keyring/keyring.js';
import { CreateKeyring1764500000000 } from './keyring/keyring.migration.js';
import { DataKeysMasterKeyId1764700000000 } from './keyring/master-key-id.migration.js';
import { ADMISSION, APP_CONFIG, BLIND_INDEX, DATABASE, EVENT_STORE, INBOX_PRUNER, KEYRING, LOGGER, MASTER_KEY_PROVIDER, OUTBOX_RELAY, PROJECTIONS, REQUEST_KEY_PRUNER, REQUEST_KEY_WINDOW } from './platform.tokens.js';
import { PLATFORM_MIGRATIONS } from './processing-log/processing-log.migration.js';
import { ProcessingLogInterceptor } from './processing-log/processing-log.interceptor.js';
import { PROCESSING_LOG_WRITER, SUBJECT_PSEUDONYMIZER } from './processing-log/processing-log.tokens.js';
import { ProcessingLogWriter } from './processing-log/processing-log.writer.js';
import { SubjectPseudonymizer } from './processing-log/subject-pseudonymizer.js';
import { StartupResources } from './startup-resources.js';

export interface PlatformOptions {
  config: AppConfig;
  logger: Logger;
  /** Migrations of the apps running in this process (their own tables). */
  migrations: Function[];
  /** Topics the apps in this process publish or consume; created at start-up when missing. */
  topics: string[];
  clock?: Clock;
  /** Run the outbox relay in this process (default true). */
  relay?: boolean;
  /** Consumers of the apps in this process that keep inbox rows, and the topics they read (for pruning). */
  inboxConsumers?: InboxConsumer[];
  /** Request-key tables of the apps in this process (their expired keys are pruned). */
  requestKeyTables?: ExpiringRequestKeys[];
  /** Rebuildable read models of the apps in this process, provided as `PROJECTIONS`. */
  projections?: ProjectionDefinition[];
  /** The process's metrics (`GET /metrics`); the HTTP layer records into the same instance. */
  metrics?: ProcessMetrics;
  /** Where the database and transport providers register how to close them, should making the application fail. */
  startup?: StartupResources;
  /** When the pruners' first round comes after start (default one to two minutes, `firstPruneDelayMs`). */
  firstPruneAfterMs?: number;
}

/**
 * The shared runtime: database, event store, transport, outbox relay, clock, logger, health checks, and the
 * processing log (its table, writer and the global interceptor behind `@ProcessesPersonalData`).
 */
@Global()
@Module({})
export class PlatformModule implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(MESSAGE_TRANSPORT) private readonly transport: MessageTransport,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    @Inject('PLATFORM_TOPICS') private readonly topics: TopicSpec[],
    @Inject(INBOX_PRUNER) private readonly inboxPruner: InboxPruner,
    @Inject(REQUEST_KEY_PRUNER) private readonly requestKeyPruner: RequestKeyPruner,
  ) {}

  static forRoot(options: PlatformOptions): DynamicModule {
    const { config, logger } = options;
    const clock = options.clock ?? systemClock;
    const topics = [...new Set([...options.topics, TOPICS.deadLetter])].map((topic) => ({ topic, partitions: config.TOPIC_PARTITIONS }));
    const metrics = options.metrics ?? new ProcessMetrics();
    const requestKeyWindow = new RequestKeyWindow(clock, config.IDEMPOTENCY_KEY_RETENTION_HOURS);
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: METRICS, useValue: metrics },
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        {
          provide: MASTER_KEY_PROVIDER,
          useFactory: () => {
            const provider = masterKeyProviderFor(config.SIGNAALROUTE_DATA_DIR, config.SIGNAALROUTE_MASTER_KEY, config.SIGNAALROUTE_PREVIOUS_MASTER_KEYS);
            logger.info({ component: 'keyring' }, `master keys: ${provider.description}`);
            return provider;
          },
        },
        { provide: KEYRING, useFactory: (db: Database, keys: MasterKeyProvider) => new Keyring(db, keys.masterKeys()), inject: [DATABASE, MASTER_KEY_PROVIDER] },
        { provide: BLIND_INDEX, useFactory: async (keyring: Keyring) => new BlindIndex(await keyring.blindIndexKey()), inject: [KEYRING] },
        { provide: CLOCK, useValue: clock },
        { provide: ADMISSION, useValue: new AdmissionControl({ maxLength: config.DATABASE_QUEUE_MAX_LENGTH, maxWaitMs: config.DATABASE_QUEUE_MAX_WAIT_MS }, metrics) },
        { provide: 'PLATFORM_TOPICS', useValue: topics },
        { provide: PROJECTIONS, useValue: options.projections ?? [] },
        {
          provide: DATABASE,
          useFactory: async () => {
            const db = await TypeOrmDatabase.open({
              databaseUrl: config.DATABASE_URL,
              dataDir: config.DATABASE_URL ? undefined : embeddedDatabaseDir(config),
              poolSize: config.DATABASE_POOL_SIZE,
              connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
              migrations: [...PLATFORM_MIGRATIONS, CreateKeyring1764500000000, DataKeysMasterKeyId1764700000000, ...options.migrations],
            });
            options.startup?.opened(() => db.close());
            await db.migrate();
            return db;
          },
        },
        { provide: EVENT_STORE, useFactory: (db: Database) => new EventStore(db, clock), inject: [DATABASE] },
        { provide: OUTBOX_GAUGES, useFactory: (db: Database) => registerOutboxGauges(metrics, db), inject: [DATABASE] },
        {
          provide: MESSAGE_TRANSPORT,
          useFactory: async (db: Database) => {
            const transport = createTransport({
              kafkaBrokers: config.KAFKA_BROKERS,
              clientId: config.KAFKA_CLIENT_ID,
              consumerConcurrency: config.KAFKA_CONSUMER_CONCURRENCY,
              commitIntervalMs: config.KAFKA_COMMIT_INTERVAL_MS,
              logger: (level, message, extra) => logger[level]({ component: 'transport', ...extra }, message),
              // Without Kafka, messages and offsets are kept in the database: published and not yet consumed survives a stop.
              inProcessStore: new EmbeddedMessageStore(db),
            });
            options.startup?.opened(() => transport.close());
            const namespaced = config.KAFKA_TOPIC_PREFIX ? new PrefixedTransport(transport, config.KAFKA_TOPIC_PREFIX) : transport;
            await namespaced.ensureTopics(topics);
            return new MeteredTransport(namespaced, metrics);
          },
          inject: [DATABASE],
        },
        {
          provide: OUTBOX_RELAY,
          useFactory: (db: Database, transport: MessageTransport) => {
            const publishes = options.relay !== false;
            if (!publishes && !config.DATABASE_URL) return null;
            const onError = (error: unknown, context: Record<string, unknown>) => logger.warn({ component: 'outbox-relay', err: error, ...context }, 'outbox publication failed');
            // One relay publishes per database: on PostgreSQL the processes sharing it elect it (a process with
            // OUTBOX_RELAY_ENABLED=false never stands, but wakes the one elected); PGlite has one process.
            const leadership = config.DATABASE_URL
              ? new PostgresRelayLeadership({
                  databaseUrl: config.DATABASE_URL,
                  connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
                  compete: publishes,
                  onError: (error, context) => logger.warn({ component: 'outbox-relay', err: error, ...context }, 'outbox relay leadership connection failed'),
                })
              : SOLE_RELAY;
            const relay = new OutboxRelay(db, transport, {
              deadLetterTopic: TOPICS.deadLetter,
              maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
              pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
              leadership,
              onError,
            });
            registerRelayLeadingGauge(metrics, relay);
            return relay;
          },
          inject: [DATABASE, MESSAGE_TRANSPORT],
        },
        {
          provide: INBOX_PRUNER,
          useFactory: (db: Database, transport: MessageTransport) =>
            new InboxPruner(db, transport, {
              retentionDays: config.INBOX_RETENTION_DAYS,
              consumers: options.inboxConsumers ?? [],
              clock,
              logger,
              onPruned: (rows) => metrics.inboxPruned.inc(rows),
              topicPrefix: config.KAFKA_TOPIC_PREFIX,
              firstRoundAfterMs: options.firstPruneAfterMs,
            }),
          inject: [DATABASE, MESSAGE_TRANSPORT],
        },
        { provide: REQUEST_KEY_WINDOW, useValue: requestKeyWindow },
        {
          provide: REQUEST_KEY_PRUNER,
          useFactory: (db: Database) => new RequestKeyPruner(db, { tables: options.requestKeyTables ?? [], window: requestKeyWindow, logger, firstRoundAfterMs: options.firstPruneAfterMs }),
          inject: [DATABASE],
        },
        { provide: PROCESSING_LOG_WRITER, useFactory: (db: Database) => new ProcessingLogWriter(db), inject: [DATABASE] },
        {
          provide: SUBJECT_PSEUDONYMIZER,
          useFactory: (keyring: Keyring) => SubjectPseudonymizer.load(keyring, config.PROCESSING_LOG_KEY, config.SIGNAALROUTE_DATA_DIR),
          inject: [KEYRING],
        },
        { provide: APP_INTERCEPTOR, useClass: ProcessingLogInterceptor },
      ],
      exports: [METRICS, ADMISSION, APP_CONFIG, MASTER_KEY_PROVIDER, KEYRING, BLIND_INDEX, PROJECTIONS, LOGGER, CLOCK, DATABASE, EVENT_STORE, MESSAGE_TRANSPORT, OUTBOX_RELAY, INBOX_PRUNER, REQUEST_KEY_WINDOW, REQUEST_KEY_PRUNER, PROCESSING_LOG_WRITER, SUBJECT_PSEUDONYMIZER],
    };
  }

  /** Refuses to start when the inbox would forget messages that can still be delivered (`INBOX_RETENTION_DAYS`). */
  async onModuleInit(): Promise<void> {
    await this.inboxPruner.assertSafe();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.relay?.start();
    this.inboxPruner.start();
    this.requestKeyPruner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    // Each step on its own: one that fails (a transport that cannot close cleanly) must not leave the database open.
    const steps = [() => this.inboxPruner.stop(), () => this.requestKeyPruner.stop(), () => this.relay?.stop(), () => this.transport.close(), () => this.db.close()];
    const failures: unknown[] = [];
    for (const step of steps) await Promise.resolve(step()).catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  }
}
