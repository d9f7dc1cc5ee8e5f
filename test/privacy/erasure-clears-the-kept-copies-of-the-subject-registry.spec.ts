import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compareTable, ProjectionReplayer, type Database, type SqlExecutor } from '#eventstore';
import { DATABASE, MASTER_KEY_PROVIDER } from '#platform';
import type { MasterKeyProvider } from '#security';
import { markSubjectErased } from '../../apps/router/src/subjects/mark-subject-erased.js';
import { subjectRegistryProjection } from '../../apps/router/src/subjects/subject-registry.projection.js';
import { DAY_MS, movableClock, PRODUCT_APPS } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';

/**
 * A blue-green replay of the subject registry (`npm run audit -- replay --projection subjects --switch`) keeps
 * the former live table as `subjects_previous_<tag>` for a rollback, and a replay run with `keep` leaves its
 * `subjects_replay_<tag>`. Those copies hold every subject's lookup keys (blind indexes: keyed HMACs of the
 * BSN, name, birth date, address and postcode). A subject erased on request or destroyed by retention after
 * the switch must lose them in every copy too: otherwise anyone with the blind-index key and a copy could find
 * the erased person's BSN by trying every valid BSN. Real PostgreSQL (and PGlite: the copies are found in the
 * catalog of the current schema).
 */

let h: AppHarness;
let replayer: ProjectionReplayer;
const clock = movableClock();
const ENSCHEDE = 'GM0153';
let coordinator: string;
let admin: string;
const tag = () => randomUUID().slice(0, 8);
const subjects = { erased: '', retained: '', untouched: '' };
const KEYS = ['bsn_key', 'name_key', 'birth_date_key', 'address_key', 'postcode_key'] as const;

const register = async (body: Record<string, unknown>): Promise<string> => {
  const res = await h.request('POST', '/v1/subjects', { token: coordinator, body: { municipality: ENSCHEDE, ...body } });
  expect({ status: res.status, code: res.body?.code }).toEqual({ status: 201, code: undefined });
  return res.body.subjectId as string;
};

/** Every table of the current schema that is a kept copy of the subject registry (previous or replay). */
const copies = async (): Promise<string[]> =>
  (await h.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND (tablename LIKE 'subjects\\_previous\\_%' OR tablename LIKE 'subjects\\_replay\\_%') ORDER BY tablename`,
  )).map((r) => r.tablename);

/** The subject's row in `table`, with the columns that table has (a legacy copy lacks some). */
const rowIn = async (table: string, subjectId: string): Promise<Record<string, string | null> | undefined> => {
  const [found] = await h.query<{ row: unknown }>(`SELECT to_jsonb(t) AS row FROM "${table.replace(/"/g, '""')}" t WHERE subject_id = $1`, [subjectId]);
  return found && ((typeof found.row === 'string' ? JSON.parse(found.row) : found.row) as Record<string, string | null>);
};

/** Per table: the subject's lookup keys that table has (by name) and whether it is marked erased. */
const lookupState = async (tables: readonly string[], subjectId: string) => {
  const states = [];
  for (const table of tables) {
    const row = (await rowIn(table, subjectId))!;
    states.push({ table, keys: Object.fromEntries(KEYS.filter((k) => k in row).map((k) => [k, row[k]])), erased: row.erased_at !== null });
  }
  return states;
};
/** What {@link lookupState} must say of an erased subject in `table`. */
const erasedIn = (table: string) => ({
  table,
  keys: Object.fromEntries(KEYS.filter((k) => table !== 'subjects_previous_legacy' || (k !== 'birth_date_key' && k !== 'postcode_key')).map((k) => [k, null])),
  erased: true,
});

/** Waits until a reader of the log sees every committed event (a replay reads below the oldest transaction in flight). */
const logSettled = () =>
  waitFor(async () => (await h.query<{ visible: boolean }>('SELECT (SELECT max(transaction_id) FROM events) < pg_snapshot_xmin(pg_current_snapshot()) AS visible'))[0]!.visible, {
    what: 'every committed event visible to a reader of the log',
  });

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS, clock: clock.now, env: { RETENTION_POLL_INTERVAL_MS: '86400000' } });
  const db = h.running.app.get<symbol, Database>(DATABASE, { strict: false });
  const keys = h.running.app.get<symbol, MasterKeyProvider>(MASTER_KEY_PROVIDER, { strict: false });
  replayer = new ProjectionReplayer(db, [subjectRegistryProjection(() => keys.masterKeys())]);
  admin = await h.token('admin', [ENSCHEDE], { subject: 'admin-fg' });
  coordinator = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-anna' });

  subjects.erased = await register({ kind: 'person', name: `Erik Gewist ${tag()}`, bsn: '111222333', birthDate: '1970-03-04', address: 'Wislaan 12', postcode: '7511 AB' });
  subjects.retained = await register({ kind: 'address', address: `Bewaarlaan ${Math.floor(Math.random() * 900) + 1}`, postcode: '7512 CD' });
  subjects.untouched = await register({ kind: 'person', name: `Lotte Blijft ${tag()}`, bsn: '123456782', birthDate: '1985-05-05', address: 'Levensweg 3', postcode: '7513 EF' });
  await logSettled();

  // Two blue-green switches (two previous tables) and a replay kept for inspection (a replay table).
  for (let i = 0; i < 2; i++) {
    const report = await replayer.replay('subjects', { switch: true });
    expect(report.switched?.previousTables).toEqual({ subjects: expect.stringMatching(/^subjects_previous_/) });
  }
  const kept = await replayer.replay('subjects', { keep: true });
  expect(kept.keptTables).toEqual([expect.stringMatching(/^subjects_replay_/)]);
  // A copy from an older schema, without some of the lookup-key columns, is cleared of those it has.
  await h.query('CREATE TABLE subjects_previous_legacy (LIKE subjects INCLUDING ALL)');
  await h.query('INSERT INTO subjects_previous_legacy SELECT * FROM subjects');
  await h.query('ALTER TABLE subjects_previous_legacy DROP COLUMN birth_date_key, DROP COLUMN postcode_key');
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

describe('the kept copies of the subject registry', () => {
  it('exist after the switches and hold the lookup keys of every subject', async () => {
    const tables = await copies();
    expect(tables.filter((t) => t.startsWith('subjects_previous_'))).toHaveLength(3);
    expect(tables.filter((t) => t.startsWith('subjects_replay_'))).toHaveLength(1);
    for (const table of tables) {
      for (const id of Object.values(subjects)) expect((await rowIn(table, id))?.address_key).toEqual(expect.any(String));
      expect((await rowIn(table, subjects.erased))?.bsn_key).toEqual(expect.any(String));
    }
  });
});

describe('an erasure on request after a switch', () => {
  it('clears the lookup keys and sets erased_at in the live table and in every kept copy, and leaves the other subjects alone', async () => {
    const res = await h.request('POST', `/v1/subjects/${subjects.erased}/erasure`, { token: admin, body: { reason: 'Verzoek betrokkene AVG art. 17, kenmerk W-2026-77' } });
    expect(res.status).toBe(200);
    const tables = ['subjects', ...(await copies())];
    expect(tables).toHaveLength(5);
    expect(await lookupState(tables, subjects.erased)).toEqual(tables.map(erasedIn));
    for (const table of tables) expect(await rowIn(table, subjects.untouched)).toMatchObject({ bsn_key: expect.any(String), erased_at: null });
    // Only the legacy copy lacks columns; the others have all five.
    expect(Object.keys((await rowIn('subjects_previous_legacy', subjects.erased))!)).not.toContain('postcode_key');
  });

  it('makes the kept replay table what the replay would make of the erasure: hash-identical to the live table', async () => {
    const [replayTable] = (await copies()).filter((t) => t.startsWith('subjects_replay_'));
    const db = h.running.app.get<symbol, Database>(DATABASE, { strict: false });
    const comparison = await compareTable(db, { name: 'subjects', primaryKey: ['subject_id'] }, 'subjects', replayTable!, 5);
    expect({ identical: comparison.identical, differences: comparison.differences }).toEqual({ identical: true, differences: [] });
    await logSettled();
    expect((await replayer.replay('subjects')).identical).toBe(true);
  });
});

describe('a destruction by retention after a switch', () => {
  it('clears the lookup keys in every kept copy too', async () => {
    clock.advance(3 * 366 * DAY_MS);
    const run = await h.request('POST', '/v1/retention/runs', { token: admin });
    expect(run.status).toBe(201);
    expect(run.body.shredded.map((s: { subjectId?: string }) => s.subjectId)).toContain(subjects.retained);
    const tables = ['subjects', ...(await copies())];
    expect(await lookupState(tables, subjects.retained)).toEqual(tables.map(erasedIn));
  });
});

describe('a copy dropped while an erasure runs (a replay ending)', () => {
  it('is skipped: the erasure still reaches the live table and the other copies', async () => {
    const db = h.running.app.get<symbol, Database>(DATABASE, { strict: false });
    const [replayTable] = (await copies()).filter((t) => t.startsWith('subjects_replay_'));
    let dropped = false;
    await db.transaction(async (tx) => {
      // Drops the replay table after the copies were looked up (at the first copy's savepoint), before its own
      // UPDATE: as a DROP by the ending replay, committed in between, makes it vanish.
      const racing = {
        query: async (sql: string, params?: unknown[]) => {
          if (!dropped && sql.startsWith('SAVEPOINT')) {
            await tx.query(`DROP TABLE "${replayTable}"`);
            dropped = true;
          }
          return tx.query(sql, params);
        },
      } as SqlExecutor;
      await markSubjectErased(racing, subjects.untouched, clock.now());
    });
    expect(dropped).toBe(true);
    const tables = ['subjects', ...(await copies())];
    expect(tables).not.toContain(replayTable);
    expect(await lookupState(tables, subjects.untouched)).toEqual(tables.map(erasedIn));
  });
});
