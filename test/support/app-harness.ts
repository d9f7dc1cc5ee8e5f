import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import type { Role } from '#contracts';
import type { Database } from '#eventstore';
import { MESSAGE_TRANSPORT, type MessageTransport } from '#messaging';
import { DATABASE, startProcess, type AppDescriptor, type Clock, type RunningProcess } from '#platform';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, issueToken, SigningKeys } from '#security';
import { createPostgresDatabase, dropPostgresDatabase, fallbackOrFail, kafkaBrokers, kafkaReachable, postgresReachable } from './infra.js';
import {
  kafkaProducer,
  watchKafkaTopics,
  deleteTopicsWithPrefix,
  watchTransportTopics,
  type TopicWatcher,
} from './kafka-probe.js';

/**
 * Starts the product in this process for one test file: real PostgreSQL (a fresh database, migrated at
 * start) and the real Kafka broker, on a random port, with its JWT key pair in a temp folder. Without
 * PostgreSQL or Kafka it falls back to PGlite / the in-process transport with a note on stderr, unless
 * REQUIRE_REAL_INFRA=1, where that is an error. Requests go over real HTTP (`fetch`): Fastify's inject does
 * not work under Jest's ESM mode here.
 */

export const TOPIC_PARTITIONS = 3;

export interface HarnessOptions {
  apps: readonly AppDescriptor[];
  /** Extra environment (wins over the harness' own). */
  env?: Record<string, string>;
  /** The process' clock (default: the system clock); tests that move time pass their own. */
  clock?: Clock;
  /** Rewrites the database URL the product gets (e.g. through a proxy the test can cut); the harness keeps the direct one. */
  databaseUrlVia?: (url: string) => string;
}

export interface HarnessResponse<T = any> {
  status: number;
  headers: Headers;
  contentType: string | null;
  text: string;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: T;
}

export interface RequestOptions {
  token?: string;
  /** Sent as JSON (`content-type: application/json` unless `headers` say otherwise). */
  body?: unknown;
  /** Sent as is; set the content type yourself in `headers` (default application/json). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface TokenExtra {
  subject?: string;
  tables?: string[];
  ttlSeconds?: number;
}

export interface AppHarness {
  readonly url: string;
  readonly env: Record<string, string>;
  readonly clientId: string;
  readonly dataDir: string;
  /** The database URL; null on the PGlite fallback. */
  readonly databaseUrl: string | null;
  /** The Kafka brokers; null on the in-process fallback. */
  readonly brokers: string[] | null;
  readonly running: RunningProcess;
  /** The app's own database handle (works for PostgreSQL and PGlite alike). */
  readonly db: Database;
  readonly transport: MessageTransport;
  token(role: Role, municipalities?: string[], extra?: TokenExtra): Promise<string>;
  /** A correctly signed token whose `exp` lies an hour in the past. */
  expiredToken(role: Role, municipalities?: string[]): Promise<string>;
  request<T = any>(method: string, urlPath: string, options?: RequestOptions): Promise<HarnessResponse<T>>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * `SELECT count(*) FROM events`, leaving out events appended by the Kafka intake consumer (actor
   * `kafka:<topic>`): every running intake consumes the shared inbound topics, so other test runs' inbound
   * messages can land here at any moment. An HTTP request never produces such events.
   */
  countEvents(): Promise<number>;
  /** Every event, the Kafka intake's included. */
  countAllEvents(): Promise<number>;
  /** Records what is published to `topics` from now on (raw kafkajs consumer with a group of its own). */
  watch(topics: string[]): Promise<TopicWatcher>;
  /** Publishes raw messages (a raw kafkajs producer; the app's transport on the in-process fallback). */
  produce(topic: string, messages: { key: string; value: string | Buffer; headers?: Record<string, string | string[]> }[]): Promise<void>;
  stop(): Promise<void>;
}

/** Polls `probe` until it returns a value other than undefined/null/false; never a fixed sleep. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, options: { timeoutMs?: number; intervalMs?: number; what?: string } = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const intervalMs = options.intervalMs ?? 50;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${options.what ?? 'condition'}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Decides which real services to use, applying the fallback rule. */
export async function resolveInfra(): Promise<{ postgres: boolean; kafka: boolean }> {
  const postgres = await postgresReachable();
  if (!postgres) fallbackOrFail('PostgreSQL is not reachable');
  const kafka = await kafkaReachable();
  if (!kafka) fallbackOrFail(`Kafka is not reachable at ${kafkaBrokers.join(',')} (start it with \`bash scripts/kafka.sh start\`)`);
  return { postgres, kafka };
}

/** A fresh KAFKA_CLIENT_ID, so this run's consumer groups are its own. */
export const testClientId = (): string => `sr-test-${randomBytes(5).toString('hex')}`;

/** Sends one HTTP request to `baseUrl` with `fetch` and reads the answer. */
export async function httpRequest<T = any>(baseUrl: string, method: string, urlPath: string, options: RequestOptions = {}): Promise<HarnessResponse<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const has = (name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name);
  if (options.token !== undefined && !has('authorization')) headers.authorization = `Bearer ${options.token}`;
  let body: string | Buffer | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined && !has('content-type')) headers['content-type'] = 'application/json';
  const response = await fetch(new URL(urlPath, baseUrl), { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, contentType: response.headers.get('content-type'), text, body: parsed as T };
}

/** Issues tokens the app in `dataDir` accepts (embedded key pair). */
export function tokenIssuer(dataDir: string) {
  let keys: Promise<SigningKeys> | undefined;
  const signingKey = () => (keys ??= SigningKeys.loadOrCreate(dataDir));
  return {
    token: async (role: Role, municipalities?: string[], extra: TokenExtra = {}) =>
      issueToken({ role, municipalities, subject: extra.subject ?? `test-${role}`, tables: extra.tables, ttlSeconds: extra.ttlSeconds }, await signingKey()),
    expiredToken: async (role: Role, municipalities?: string[]) => {
      const key = await signingKey();
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ role, ...(municipalities ? { municipalities } : {}), jti: randomBytes(8).toString('hex') })
        .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
        .setSubject(`test-${role}`)
        .setIssuer(DEFAULT_ISSUER)
        .setAudience(DEFAULT_AUDIENCE)
        .setIssuedAt(now - 7200)
        .setExpirationTime(now - 3600)
        .sign(key.privateKey);
    },
  };
}

/**
 * Under Jest only: Swagger UI's asset plugin, @fastify/static (CommonJS), requires `content-disposition`,
 * which is ESM-only. Node ≥ 20.19 loads that natively, Jest's module loader cannot (before Node 24.9), and
 * Nest's package loader then calls process.exit. A stub plugin in Nest's package cache keeps the app
 * starting; tests only miss the /docs assets (the OpenAPI JSON is still served).
 */
export async function stubSwaggerUiAssetsUnderJest(): Promise<void> {
  const { loadPackage } = await import('@nestjs/common/utils/load-package.util.js');
  await loadPackage('@fastify/static', 'SwaggerModule', async () => ({ default: async () => undefined }));
}

/** Starts the apps in this process; call `stop()` in afterAll. */
export async function startApp(options: HarnessOptions): Promise<AppHarness> {
  await stubSwaggerUiAssetsUnderJest();
  const infra = await resolveInfra();
  const clientId = testClientId();
  const topicPrefix = `${clientId}.`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'sr-test-'));
  const databaseUrl = infra.postgres ? await createPostgresDatabase() : null;
  const brokers = infra.kafka ? kafkaBrokers : null;
  const env: Record<string, string> = {
    SIGNAALROUTE_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    TOPIC_PARTITIONS: String(TOPIC_PARTITIONS),
    KAFKA_CLIENT_ID: clientId,
    // Each test file gets topics of its own: parallel test files never see each other's events.
    ...(brokers ? { KAFKA_TOPIC_PREFIX: topicPrefix } : {}),
    ...(databaseUrl ? { DATABASE_URL: options.databaseUrlVia ? options.databaseUrlVia(databaseUrl) : databaseUrl } : {}),
    ...(brokers ? { KAFKA_BROKERS: brokers.join(',') } : {}),
    ...(options.env ?? {}),
  };
  const cleanup = async () => {
    if (databaseUrl) await dropPostgresDatabase(databaseUrl).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  };

  let running: RunningProcess;
  try {
    // Pruning runs an hour after start here, past any test file: a test that moves the clock years ahead must not
    // have inbox rows or request keys pruned under it (pruning is tested with runNow).
    running = await startProcess(options.apps, { env, clock: options.clock, firstPruneAfterMs: 3_600_000 });
  } catch (error) {
    await cleanup();
    throw error;
  }

  const db = running.app.get<symbol, Database>(DATABASE, { strict: false });
  const transport = running.app.get<symbol, MessageTransport>(MESSAGE_TRANSPORT, { strict: false });
  const issuer = tokenIssuer(dataDir);
  const watchers: TopicWatcher[] = [];
  let producer: Awaited<ReturnType<typeof kafkaProducer>> | null = null;
  let watcherCount = 0;
  const url = running.url!;

  const harness: AppHarness = {
    url,
    env,
    clientId,
    dataDir,
    databaseUrl,
    brokers,
    running,
    db,
    transport,
    token: issuer.token,
    expiredToken: issuer.expiredToken,
    request: (method, urlPath, requestOptions) => httpRequest(url, method, urlPath, requestOptions),
    query: async (sql, params) => (await db.query(sql, params)).rows as never,
    countEvents: async () => Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE actor_id NOT LIKE 'kafka:%'")).rows[0]!.n),
    countAllEvents: async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]!.n),
    watch: async (topics) => {
      const groupId = `${clientId}.probe-${++watcherCount}`;
      const watcher = brokers ? await watchKafkaTopics(brokers, topics, groupId, env.KAFKA_TOPIC_PREFIX ?? '') : await watchTransportTopics(transport, topics, groupId);
      watchers.push(watcher);
      return watcher;
    },
    produce: async (topic, messages) => {
      // The in-process transport has one value per header, as Kafka hands a repeated one to a consumer: its last.
      const lastValues = (headers: Record<string, string | string[]> | undefined) => headers && Object.fromEntries(Object.entries(headers).map(([name, v]) => [name, Array.isArray(v) ? v[v.length - 1]! : v]));
      if (!brokers) return transport.publish(topic, messages.map((m) => ({ ...m, headers: lastValues(m.headers) })));
      producer ??= await kafkaProducer(brokers, `${clientId}.producer`);
      await producer.send(`${env.KAFKA_TOPIC_PREFIX ?? ''}${topic}`, messages);
    },
    stop: async () => {
      await Promise.allSettled(watchers.map((w) => w.stop()));
      await producer?.close().catch(() => undefined);
      await running.app.close();
      if (brokers && env.KAFKA_TOPIC_PREFIX) await deleteTopicsWithPrefix(brokers, env.KAFKA_TOPIC_PREFIX).catch(() => undefined);
      await cleanup();
    },
  };
  return harness;
}
