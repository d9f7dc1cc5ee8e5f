import { randomUUID } from 'node:crypto';
import { EventStore, insertRowsSql, rowTable, VALUES_ROWS_MAX, type SqlExecutor, type TableRow } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { anEvent } from './fixtures.js';

const NOTES = rowTable('table_rows_notes', { note_id: 'uuid', stream_id: 'text', body: 'text', data: 'jsonb', weight: 'integer', flagged: 'boolean' });

/** Values that an array literal must escape: quotes, backslashes, braces, commas, NULL-looking text, unicode. */
const AWKWARD = ['plain', 'with "quotes"', 'back\\slash', '{braces, and commas}', 'NULL', '', 'ünïcødé — 🚨', 'line\nbreak', ' padded '];

describe.each([
  ['PostgreSQL', false],
  ['the embedded database', true],
])('rows written with events on %s', (_name, embedded) => {
  let t: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    t = await createTestDatabase({ embedded });
    store = new EventStore(t.db);
    await t.db.query('CREATE TABLE table_rows_notes (note_id uuid PRIMARY KEY, stream_id text, body text, data jsonb, weight integer, flagged boolean)');
  });
  afterAll(async () => t?.drop());

  /** The database, keeping the text of every statement sent through it. */
  function recording(): { db: SqlExecutor; statements: string[] } {
    const statements: string[] = [];
    return { db: { query: (sql, params) => (statements.push(sql), t.db.query(sql, params)) }, statements };
  }

  const note = (streamId: string, body: string | null, data: unknown, weight: number | null, flagged: boolean | null): TableRow => ({
    table: NOTES,
    values: { note_id: randomUUID(), stream_id: streamId, body, data: data === null ? null : JSON.stringify(data), weight, flagged },
  });

  it('keeps every value exactly, whatever an array literal has to escape (and NULL as NULL), as arrays and as VALUES', async () => {
    const streamId = `s-${randomUUID()}`;
    const rows = [
      ...AWKWARD.map((body, i) => note(streamId, body, { body, nested: { list: [body, null, i] } }, i, i % 2 === 0)),
      note(streamId, null, null, null, null),
    ];
    await store.append(streamId, 0, [anEvent()], { rows: rows.slice(0, -VALUES_ROWS_MAX) });
    await store.append(`${streamId}-few`, 0, [anEvent()], { rows: rows.slice(-VALUES_ROWS_MAX).map((row) => ({ ...row, values: { ...row.values, stream_id: streamId } })) });
    const stored = await t.db.query<{ note_id: string; body: string | null; data: unknown; weight: number | null; flagged: boolean | null }>(
      'SELECT note_id::text AS note_id, body, data, weight, flagged FROM table_rows_notes WHERE stream_id = $1',
      [streamId],
    );
    const byId = new Map(stored.rows.map((r) => [r.note_id, r]));
    expect(byId.size).toBe(rows.length);
    for (const row of rows) {
      const got = byId.get(row.values.note_id as string)!;
      const data = typeof got.data === 'string' ? JSON.parse(got.data) : got.data;
      expect({ body: got.body, data, weight: got.weight, flagged: got.flagged }).toEqual({
        body: row.values.body,
        data: row.values.data === null ? null : JSON.parse(row.values.data as string),
        weight: row.values.weight,
        flagged: row.values.flagged,
      });
    }
  });

  it('sends the same statement text for ten streams and for fifty, with one INSERT per table', async () => {
    const items = (n: number) =>
      Array.from({ length: n }, () => {
        const streamId = `s-${randomUUID()}`;
        return { streamId, expectedVersion: 0, events: [anEvent(), anEvent()], options: { topic: 'notes', rows: [note(streamId, 'x', { n }, n, true)] } };
      });
    const ten = recording();
    await store.appendToStreams(ten.db, items(10));
    const fifty = recording();
    await store.appendToStreams(fifty.db, items(50));
    expect(ten.statements).toHaveLength(1);
    expect(fifty.statements).toEqual(ten.statements);
    for (const table of ['"table_rows_notes"', '"events"', 'outbox']) expect(fifty.statements[0]!.split(`INSERT INTO ${table} `)).toHaveLength(2);
  });

  it('fails the whole statement when one row of several breaks a constraint: no events, no rows', async () => {
    const taken = note(`s-${randomUUID()}`, 'first', {}, 1, false);
    await store.append(taken.values.stream_id as string, 0, [anEvent()], { rows: [taken] });
    const streamId = `s-${randomUUID()}`;
    const duplicate: TableRow = { table: NOTES, values: { ...taken.values, stream_id: streamId } };
    await expect(store.append(streamId, 0, [anEvent()], { rows: [note(streamId, 'fine', {}, 2, true), note(streamId, 'also fine', {}, 3, false), duplicate] })).rejects.toMatchObject({ driverError: { code: '23505' } });
    expect((await t.db.query('SELECT 1 FROM events WHERE stream_id = $1', [streamId])).rows).toHaveLength(0);
    expect((await t.db.query('SELECT 1 FROM table_rows_notes WHERE stream_id = $1', [streamId])).rows).toHaveLength(0);
  });
});

describe('rowTable', () => {
  it('refuses a column type that is not a plain type name (it is written into the SQL)', () => {
    expect(() => rowTable('t', { a: 'text); DROP TABLE events; --' })).toThrow(/unsupported column type/);
  });

  it('writes a left-out column as NULL', () => {
    const params: unknown[] = [];
    const rows = Array.from({ length: VALUES_ROWS_MAX + 1 }, () => ({ table: NOTES, values: { note_id: 'n' } }));
    insertRowsSql(NOTES, rows, (v) => `$${params.push(v)}`);
    const nulls = rows.map(() => null);
    expect(params).toEqual([rows.map(() => 'n'), nulls, nulls, nulls, nulls, nulls]);
  });

  it('binds one or two rows as VALUES and more as one array per column', () => {
    const sql = (n: number) => insertRowsSql(NOTES, Array.from({ length: n }, () => ({ table: NOTES, values: {} })), () => '$1');
    expect(sql(VALUES_ROWS_MAX)).toContain('(VALUES ');
    expect(sql(VALUES_ROWS_MAX + 1)).toContain('unnest(');
  });
});
