import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TypeOrmDatabase } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { AddTriageLinksToQueue1764100001100, CaseLinksAsPlaceholderRows1764900001200, CreateIntakeTables1764100001000 } from '../src/intake.migrations.js';

/**
 * The migration that turns the triage queue's side table of case links into placeholder rows keeps every link:
 * a link of a signal that has not arrived becomes its placeholder row, a signal already in the queue keeps its row.
 * Undone, it gives the side table back.
 */

let t: TestDatabase;
let upgraded: TypeOrmDatabase;
const arrived = randomUUID();
const pending = randomUUID();
const [arrivedCase, pendingCase] = [randomUUID(), randomUUID()];

beforeAll(async () => {
  t = await createTestDatabase({ migrations: [CreateIntakeTables1764100001000, AddTriageLinksToQueue1764100001100] });
  await t.db.query(
    `INSERT INTO triage_queue (signal_id, municipality, source, status, received_at, recorded_at, special_category, details, event_position, case_id)
     VALUES ($1, 'GM0153', 'mma', 'in-behandeling', now(), now(), false, '{}', 1, $2)`,
    [arrived, arrivedCase],
  );
  await t.db.query('INSERT INTO triage_queue_case_links (signal_id, case_id) VALUES ($1, $2), ($3, $4)', [arrived, arrivedCase, pending, pendingCase]);
  // Up to the migration under test, so undoing the last migration undoes it (later intake migrations come after it).
  upgraded = await TypeOrmDatabase.open({ databaseUrl: t.url!, migrations: [CreateIntakeTables1764100001000, AddTriageLinksToQueue1764100001100, CaseLinksAsPlaceholderRows1764900001200] });
  await upgraded.migrate();
});

afterAll(async () => {
  await upgraded?.close();
  await t?.drop();
});

const rows = async (db: TypeOrmDatabase) =>
  (await db.query<{ signal_id: string; source: string | null; status: string; case_id: string }>('SELECT signal_id, source, status, case_id FROM triage_queue ORDER BY source NULLS LAST')).rows;

describe('migration CaseLinksAsPlaceholderRows', () => {
  it('turns a pending link into a placeholder row and leaves a signal that arrived as it was', async () => {
    expect(await rows(upgraded)).toEqual([
      { signal_id: arrived, source: 'mma', status: 'in-behandeling', case_id: arrivedCase },
      { signal_id: pending, source: null, status: 'in-behandeling', case_id: pendingCase },
    ]);
    expect((await upgraded.query("SELECT to_regclass('triage_queue_case_links') AS t")).rows).toEqual([{ t: null }]);
  });

  it('undone, gives the links back in the side table and drops the placeholder', async () => {
    await upgraded.dataSource.undoLastMigration({ transaction: 'each' });
    expect(await rows(upgraded)).toEqual([{ signal_id: arrived, source: 'mma', status: 'in-behandeling', case_id: arrivedCase }]);
    const links = (await upgraded.query<{ signal_id: string; case_id: string }>('SELECT signal_id, case_id FROM triage_queue_case_links ORDER BY signal_id')).rows;
    expect(links).toEqual(
      [
        { signal_id: arrived, case_id: arrivedCase },
        { signal_id: pending, case_id: pendingCase },
      ].sort((a, b) => a.signal_id.localeCompare(b.signal_id)),
    );
  });
});
