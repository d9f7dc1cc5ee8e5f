import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { TypeOrmDatabase } from '#eventstore';

/**
 * Test infrastructure. Tests use the real PostgreSQL server (127.0.0.1:5432, each test file creates and
 * drops its own database) and the real Kafka broker (127.0.0.1:9092). When one is missing, tests fall back
 * to the embedded database (PGlite) and the in-process transport — unless REQUIRE_REAL_INFRA=1 (CI), in
 * which case the fallback is an error and the test fails.
 */
export const requireRealInfra = process.env.REQUIRE_REAL_INFRA === '1';
export const postgresAdminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const kafkaBrokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');

export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestDatabase {
  db: TypeOrmDatabase;
  /** The database's URL, for PostgreSQL; null for the embedded fallback. */
  url: string | null;
  drop(): Promise<void>;
}

/** True when a Kafka broker answers at `kafkaBrokers[0]` (TCP, then a cluster description). */
export async function kafkaReachable(brokers: readonly string[] = kafkaBrokers, timeoutMs = 3000): Promise<boolean> {
  const first = brokers[0]?.trim();
  if (!first) return false;
  const colon = first.lastIndexOf(':');
  const tcp = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: first.slice(0, colon), port: Number(first.slice(colon + 1)) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
  if (!tcp) return false;
  const admin = new Kafka({ clientId: 'sr-test-probe', brokers: [...brokers], logLevel: logLevel.NOTHING, connectionTimeout: timeoutMs, retry: { retries: 1 } }).admin();
  let timer: NodeJS.Timeout | undefined;
  try {
    const describe = (async () => {
      await admin.connect();
      await admin.describeCluster();
      return true;
    })();
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    return await Promise.race([describe.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Call when a real service is missing: throws under REQUIRE_REAL_INFRA=1, otherwise writes a note to
 * stderr and returns, so the caller can use the embedded/in-process substitute.
 */
export function fallbackOrFail(what: string): void {
  if (requireRealInfra) {
    throw new Error(`REQUIRE_REAL_INFRA=1 but ${what}; refusing to fall back to the embedded/in-process substitute`);
  }
  process.stderr.write(`[test] ${what}; falling back to the embedded substitute\n`);
}

/** Creates a fresh, migrated database for one test file. */
export async function createTestDatabase(options: { migrations?: Function[]; embedded?: boolean } = {}): Promise<TestDatabase> {
  if (!options.embedded) {
    if (await postgresReachable()) {
      const url = await createPostgresDatabase();
      const db = await TypeOrmDatabase.open({ databaseUrl: url, migrations: options.migrations, poolSize: 30 });
      await db.migrate();
      return { db, url, drop: async () => { await db.close(); await dropPostgresDatabase(url); } };
    }
    fallbackOrFail(`PostgreSQL is not reachable at ${postgresAdminUrl}`);
  }
  const db = await TypeOrmDatabase.open({ migrations: options.migrations });
  await db.migrate();
  return { db, url: null, drop: () => db.close() };
}

/** Creates an empty PostgreSQL database and returns its URL. */
export async function createPostgresDatabase(): Promise<string> {
  const name = `sr_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropPostgresDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^sr_test_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
