import { TypeOrmDatabase } from '#eventstore';
import { createPostgresDatabase, dropPostgresDatabase, postgresReachable } from '../../../test/support/infra.js';

/**
 * Processes of one deployment (the apps in microservice mode, or several workers of one app) start together
 * on a fresh database and each runs the migrations at start-up. They must take turns: without that, two of
 * them create the same tables at once and all but one fail to start.
 */
describe('migrations on PostgreSQL', () => {
  it('run once when several processes start together on a fresh database, and every process starts', async () => {
    if (!(await postgresReachable())) throw new Error('PostgreSQL is not reachable at 127.0.0.1:5432');
    const url = await createPostgresDatabase();
    const processes: TypeOrmDatabase[] = [];
    try {
      for (let i = 0; i < 4; i++) processes.push(await TypeOrmDatabase.open({ databaseUrl: url, poolSize: 2 }));
      const results = await Promise.allSettled(processes.map((db) => db.migrate()));
      expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok']);
      const applied = await processes[0]!.query<{ name: string; n: string }>('SELECT name, count(*)::text AS n FROM schema_migrations GROUP BY name ORDER BY name');
      expect(applied.rows.length).toBeGreaterThan(0);
      expect(applied.rows.every((r) => r.n === '1')).toBe(true);
    } finally {
      await Promise.all(processes.map((db) => db.close()));
      await dropPostgresDatabase(url);
    }
  });
});
