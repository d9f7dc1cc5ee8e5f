import { createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { isDatabaseUnavailable, TypeOrmDatabase } from '#eventstore';
import { createTestDatabase, postgresAdminUrl, type TestDatabase } from '../../../test/support/infra.js';
import { startTcpProxy, type TcpProxy } from '../../../test/support/tcp-proxy.js';

/**
 * An outage of the database (it cannot be reached, dropped the connection, or is shutting down) is a
 * condition of the service, answered 503 "try again"; a query that fails on its own data or text is not.
 * The errors here are the real ones `pg` and TypeORM raise.
 */

let t: TestDatabase;

beforeAll(async () => {
  t = await createTestDatabase();
});

afterAll(async () => {
  await t?.drop();
});

const failureOf = async (work: () => Promise<unknown>): Promise<unknown> => {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the work to fail');
};

describe('errors of an unreachable or departing database are outages', () => {
  let proxy: TcpProxy;
  afterEach(async () => proxy?.close());

  it('a connection refused (the server is gone) is an outage', async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const db = await TypeOrmDatabase.open({ databaseUrl: proxy.via(t.url!) });
    try {
      await proxy.cut();
      const error = await failureOf(() => db.query('SELECT 1'));
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      await db.close().catch(() => undefined);
    }
  });

  it('a server that does not answer fails the connection after the connect timeout, and that is an outage', async () => {
    const held: Socket[] = [];
    const silent: Server = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const url = new URL(t.url!);
      url.port = String((silent.address() as { port: number }).port);
      const started = Date.now();
      const error = await failureOf(() => TypeOrmDatabase.open({ databaseUrl: url.toString(), connectTimeoutMs: 300 }));
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(isDatabaseUnavailable(error)).toBe(true);
    } finally {
      for (const s of held) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('a connection ended by the server (administrator command, 57P01) is an outage', async () => {
    const running = t.db.query("SELECT pg_sleep(30), 'sr-outage-probe'");
    const admin = new pg.Client({ connectionString: postgresAdminUrl });
    await admin.connect();
    try {
      const dbName = new URL(t.url!).pathname.slice(1);
      let terminated = 0;
      for (let i = 0; i < 100 && terminated === 0; i++) {
        const r = await admin.query("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND query LIKE '%sr-outage-probe%' AND pid <> pg_backend_pid()", [dbName]);
        terminated = r.rows.filter((row: { ok: boolean }) => row.ok).length;
        if (terminated === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(terminated).toBe(1);
      const error = await failureOf(() => running);
      expect(isDatabaseUnavailable(error)).toBe(true);
      // The pool may still hand out a connection the server ended (it learns on its next use: an outage, as above);
      // the next test is about the query's own errors, so let the pool drop such connections first.
      for (let i = 0; i < 10; i++) {
        try {
          await t.db.query('SELECT 1');
          break;
        } catch (stale) {
          expect(isDatabaseUnavailable(stale)).toBe(true);
        }
      }
    } finally {
      await admin.end();
    }
  });

  it('the SQLSTATEs of a server not taking connections are outages (class 08, 53300, 57P01–57P03)', () => {
    for (const code of ['08000', '08003', '08006', '08001', '53300', '57P01', '57P02', '57P03']) {
      expect(isDatabaseUnavailable(Object.assign(new Error('x'), { code }))).toBe(true);
      expect(isDatabaseUnavailable({ message: 'wrapped', driverError: Object.assign(new Error('x'), { code }) })).toBe(true);
    }
  });
});

describe('errors of the query itself are not outages', () => {
  it('a unique violation, a syntax error and a bad value are not', async () => {
    await t.db.query('CREATE TABLE IF NOT EXISTS outage_probe (id int PRIMARY KEY)');
    await t.db.query('INSERT INTO outage_probe VALUES (1)');
    const unique = await failureOf(() => t.db.query('INSERT INTO outage_probe VALUES (1)'));
    const syntax = await failureOf(() => t.db.query('SELEC 1'));
    const value = await failureOf(() => t.db.query("SELECT 'not a number'::int"));
    for (const error of [unique, syntax, value]) expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('neither are plain errors, nor things that are not errors', () => {
    for (const error of [new Error('boom'), Object.assign(new Error('x'), { code: 'CASE.NOT_FOUND' }), undefined, null, 'ECONNREFUSED', 42]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });
});
