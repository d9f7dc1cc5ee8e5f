import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AVE_MODEL } from '#domain';
import type { Database } from '#eventstore';
import { loadConfig, storedDatabaseOf, type StoredDatabase } from '#platform';
import { createPostgresDatabase, createTestDatabase, dropPostgresDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { checkRetentionRules } from '../src/privacy/retention/retention-rules.check.js';
import { ROUTER_MIGRATIONS } from '../src/router.migrations.js';

/**
 * Refused starts change nothing: the retention rules are checked before the process migrates the database or writes
 * a key file. Rules naming only built-in models need no database. Rules naming another model need the versions
 * published in the database, read as it is — never migrated, never created: a database not migrated yet, or an
 * embedded one not made yet, has none, so such a rule is refused before either is changed.
 */
let dir: string;
let migrated: TestDatabase;
let fresh: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sr-retention-before-'));
  migrated = await createTestDatabase({ migrations: ROUTER_MIGRATIONS });
  fresh = await createPostgresDatabase();
});
afterAll(async () => {
  await migrated?.drop();
  if (fresh) await dropPostgresDatabase(fresh);
  await rm(dir, { recursive: true, force: true });
});

/** A rules file whose first rule has `outcome`; the second applies the retention class a built-in model declares. */
const rulesFile = async (name: string, outcome: Record<string, unknown>) => {
  const p = path.join(dir, name);
  const rules = [
    { id: 'eigen-regel', title: 'Eigen regel van de gemeente', outcome, keep: { amount: 3, unit: 'years' } },
    { id: 'geen-actie', title: 'Geen actie: na een jaar vernietigen', outcome: { kind: 'case-closed', retentionClasses: ['een-jaar-versleuteld-dan-vernietigen'] }, keep: { amount: 1, unit: 'years' } },
  ];
  await writeFile(p, JSON.stringify({ rules }));
  return p;
};

/** A StoredDatabase over `db` that counts how often a check asked for it. */
function counted(db: Database | null): StoredDatabase & { asked: number } {
  const stored = { asked: 0, open: async () => (stored.asked++, db) };
  return stored;
}

describe('retention rules checked before the database is migrated', () => {
  it('rules naming only built-in models (and the built-in rules) pass without opening the database', async () => {
    const stored = counted(null);
    await checkRetentionRules(loadConfig({}), stored);
    await checkRetentionRules(loadConfig({ RETENTION_RULES_FILE: await rulesFile('built-in.json', { kind: 'case-closed', model: 'ave', states: ['afgesloten'] }) }), stored);
    expect(stored.asked).toBe(0);
  });

  it('a model known only from a version published in the database passes', async () => {
    await migrated.db.query("INSERT INTO model_versions (id, version, definition, published_at, published_by) VALUES ($1, 1, $2::jsonb, now(), 'test')", [
      'eigen-zorgmodel',
      JSON.stringify({ ...structuredClone(AVE_MODEL), id: 'eigen-zorgmodel', title: 'Eigen zorgmodel' }),
    ]);
    const config = loadConfig({ RETENTION_RULES_FILE: await rulesFile('own.json', { kind: 'case-closed', model: 'eigen-zorgmodel' }) });
    const stored = counted(migrated.db);
    await expect(checkRetentionRules(config, stored)).resolves.toBeUndefined();
    expect(stored.asked).toBe(1);
  });

  it('an unknown model on a PostgreSQL database not migrated yet is refused, and the database stays empty', async () => {
    const config = loadConfig({ DATABASE_URL: fresh, RETENTION_RULES_FILE: await rulesFile('typo.json', { kind: 'case-closed', model: 'eigen-zorgmodl' }) });
    const stored = storedDatabaseOf(config);
    try {
      await expect(checkRetentionRules(config, stored)).rejects.toMatchObject({ code: 'RETENTION.CONFIG_INVALID', message: expect.stringMatching(/typo\.json: invalid retention rules:\n {2}- rules\[0\]\.outcome\.model: rule "eigen-regel": unknown model "eigen-zorgmodl"/) });
      const db = (await stored.open())!;
      expect((await db.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'")).rows).toEqual([{ n: 0 }]);
    } finally {
      await stored.close();
    }
  });

  it('an unknown model on the embedded default before its first start is refused without making the database', async () => {
    const dataDir = path.join(dir, 'embedded');
    const config = loadConfig({ SIGNAALROUTE_DATA_DIR: dataDir, RETENTION_RULES_FILE: await rulesFile('typo-embedded.json', { kind: 'case-closed', model: 'eigen-zorgmodl' }) });
    const stored = storedDatabaseOf(config);
    await expect(checkRetentionRules(config, stored)).rejects.toMatchObject({ code: 'RETENTION.CONFIG_INVALID' });
    await stored.close();
    expect(existsSync(dataDir)).toBe(false);
  });
});
