import type { AddressInfo } from 'node:net';
import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import type { ProjectionDefinition } from '#eventstore';
import { SecurityModule, securityOptionsFromEnv, type SecurityOptions } from '#security';
import type { Clock } from './clock.js';
import { loadConfig, type AppConfig } from './config/app.config.js';
import { checkConfiguration, type ConfigurationCheck } from './config/check-configuration.js';
import { announcedBaseUrl } from './http/announced-base-url.js';
import { createHttpApp } from './http/create-http-app.js';
import { createLogger } from './logging/logger.js';
import { ProcessMetrics } from './metrics/process-metrics.js';
import type { InboxConsumer } from './inbox/inbox-retention.rule.js';
import type { ExpiringRequestKeys } from './request-keys/request-key-pruner.js';
import { PlatformModule } from './platform.module.js';
import { StartupResources } from './startup-resources.js';

/** What an app contributes to a process. A process runs one app, or all of them (the embedded default). */
export interface AppDescriptor {
  name: string;
  module: Function;
  migrations: readonly Function[];
  topics: readonly string[];
  /** Its consumers that keep inbox rows, with the topics they read (their old rows are pruned). */
  inboxConsumers?: readonly InboxConsumer[];
  /** Its tables of callers' `Idempotency-Key`s (their expired keys are pruned). */
  requestKeyTables?: readonly ExpiringRequestKeys[];
  /** Read models the app owns that can be rebuilt from the event log (replayed and compared by the audit app). */
  projections?: readonly ProjectionDefinition[];
  /** Checks of the app's own configuration, run before anything is migrated or written (`checkConfiguration`). */
  checkConfiguration?: ConfigurationCheck;
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  clock?: Clock;
  /** Listen on HOST:PORT (default true). */
  listen?: boolean;
  /**
   * When the inbox and request-key pruners first run after start (default one to two minutes). Tests that move the
   * injected clock years ahead set it past their own length, so nothing is pruned under them (pruning has tests of its own).
   */
  firstPruneAfterMs?: number;
}

export interface RunningProcess {
  app: NestFastifyApplication;
  config: AppConfig;
  logger: Logger;
  /** Base URL when listening. */
  url: string | null;
}

@Module({})
class RootModule {
  static with(apps: readonly AppDescriptor[], config: AppConfig, logger: Logger, security: SecurityOptions, metrics: ProcessMetrics, startup: StartupResources, options: StartOptions): DynamicModule {
    return {
      module: RootModule,
      imports: [
        CqrsModule.forRoot(),
        PlatformModule.forRoot({
          config,
          logger,
          clock: options.clock,
          metrics,
          startup,
          firstPruneAfterMs: options.firstPruneAfterMs,
          relay: config.OUTBOX_RELAY_ENABLED,
          migrations: apps.flatMap((a) => [...a.migrations]),
          topics: apps.flatMap((a) => [...a.topics]),
          projections: apps.flatMap((a) => [...(a.projections ?? [])]),
          inboxConsumers: apps.flatMap((a) => [...(a.inboxConsumers ?? [])]),
          requestKeyTables: apps.flatMap((a) => [...(a.requestKeyTables ?? [])]),
        }),
        SecurityModule.forRoot(security),
        ...apps.map((a) => a.module as never),
      ],
    };
  }
}

/** Pending connections the kernel may hold for the HTTP server. */
const LISTEN_BACKLOG = 4096;

/** Starts the given apps in this process on the configured database and transport. */
export async function startProcess(apps: readonly AppDescriptor[], options: StartOptions = {}): Promise<RunningProcess> {
  const env = options.env ?? process.env;
  const config = loadConfig(env);
  const security: SecurityOptions = { ...securityOptionsFromEnv(env as NodeJS.ProcessEnv), dataDir: config.SIGNAALROUTE_DATA_DIR };
  // Before Nest makes the providers: they migrate the database and write key files, and a refused start changes nothing.
  await checkConfiguration(apps.flatMap((a) => (a.checkConfiguration ? [a.checkConfiguration] : [])), config, security);
  const logger = createLogger(config.LOG_LEVEL, { apps: apps.map((a) => a.name).join(',') });
  const metrics = new ProcessMetrics();
  const startup = new StartupResources();
  let app: NestFastifyApplication;
  try {
    app = await createHttpApp(RootModule.with(apps, config, logger, security, metrics, startup, options), { logger, title: 'Signaalroute API', metrics });
  } catch (error) {
    // A provider failed while Nest made the application: there is no application to close, so close what the
    // providers made before it (database pool, broker client) here.
    await startup.closeAll();
    throw error;
  }
  startup.forget();
  try {
    if (options.listen === false) await app.init();
    // Listen backlog above Node's 511: connections arriving faster than a busy process accepts them wait in
    // the kernel's queue (capped by net.core.somaxconn) instead of being dropped and then reset.
    else await app.listen({ port: config.PORT, host: config.HOST, backlog: LISTEN_BACKLOG } as never);
  } catch (error) {
    // A start-up check failed after the providers were made: close what they opened (database, broker).
    await app.close().catch(() => undefined);
    throw error;
  }
  if (options.listen === false) return { app, config, logger, url: null };
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, config, logger, url: announcedBaseUrl(config.HOST, port) };
}
