import { randomBytes, randomUUID } from 'node:crypto';
import { insertRowsSql, type SqlExecutor } from '#eventstore';
import {
  PLATFORM_MIGRATIONS,
  processingLogRow,
  ProcessingLogWriter,
  queryBreakGlassAccesses,
  queryProcessingLog,
  type BreakGlassAccessFilter,
  type ProcessingLogFilter,
  type ProcessingLogLine,
} from '#platform';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';

/**
 * Lines of the processing log are written by concurrent transactions: the interceptor's group commit and the
 * handlers that add their lines to their own statement. A line's id is drawn when it is inserted, not when its
 * transaction commits, so an auditor who follows `nextCursor` by id passes a line that commits later with a lower
 * id, and never sees it. Both lists that page the log — the processing log and the break-the-glass review queue —
 * must list every committed line (access) exactly once to a reader who follows their cursors, however the
 * transactions interleave, roll back or commit late.
 */

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase({ migrations: PLATFORM_MIGRATIONS });
  // The embedded database runs one transaction at a time: nothing can commit late there.
  if (t.db.kind !== 'postgres') throw new Error('PostgreSQL is not reachable at 127.0.0.1:5432: these tests need transactions that overlap');
});
afterAll(async () => t?.drop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A processing-log line; its span id names it in these tests (line ids are the database's). */
function aLine(over: Partial<ProcessingLogLine> = {}): ProcessingLogLine {
  const now = new Date().toISOString();
  return {
    traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), parentSpanId: null, operation: 'GET /v1/signals/:id',
    processingActivity: 'test', purpose: 'test', legalBasis: null, dataSubjectType: 'signal', dataSubjectRef: null, actorId: 'nobody',
    actorRole: 'coordinator', method: 'GET', route: '/v1/signals/:id', statusCode: 200, outcome: 'ok', startedAt: now, endedAt: now, breakGlass: null, ...over,
  };
}

/** Inserts lines in one statement, as the event store's `rows` and the writer do. */
async function insertLines(db: SqlExecutor, lines: ProcessingLogLine[]): Promise<void> {
  const rows = lines.map(processingLogRow);
  const params: unknown[] = [];
  await db.query(insertRowsSql(rows[0]!.table, rows, (v) => `$${params.push(v)}`), params);
}

/** Opens a transaction, inserts `lines` in it and keeps it open until `commit` is called. */
async function openTransactionWith(lines: ProcessingLogLine[]): Promise<{ commit: () => Promise<void> }> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let inserted!: () => void;
  const insertedLines = new Promise<void>((resolve) => (inserted = resolve));
  const done = t.db.transaction(async (tx) => {
    await insertLines(tx, lines);
    inserted();
    await gate;
  });
  await Promise.race([insertedLines, done]);
  return { commit: async () => { release(); await done; } };
}

interface ListPage<T> { items: T[]; nextCursor: string | null; resumeCursor: string }

/**
 * Follows `nextCursor` from `cursor` until the list says there is no more. A page that lists nothing but gives a
 * cursor holds lines back until older transactions end: ask again a moment later.
 */
async function follow<T>(page: (cursor: string | undefined) => Promise<ListPage<T>>, cursor: string | undefined): Promise<T[]> {
  const deadline = Date.now() + 60_000;
  const items: T[] = [];
  for (;;) {
    const p = await page(cursor);
    items.push(...p.items);
    if (p.nextCursor === null) return items;
    if (Date.now() > deadline) throw new Error('the list did not end within its deadline');
    if (p.items.length === 0) await sleep(5);
    cursor = p.nextCursor;
  }
}

describe('following processing-log cursors', () => {
  it('lists a line whose transaction began before lines a page already listed, once it commits', async () => {
    const actorId = `late-${randomUUID()}`;
    const [a, b, c] = [aLine({ actorId }), aLine({ actorId }), aLine({ actorId })];
    const late = await openTransactionWith([a]); // inserted first: the lowest line id
    await insertLines(t.db, [b]);
    await insertLines(t.db, [c]);
    const page = (cursor: string | undefined) => queryProcessingLog(t.db, { actorId, limit: 1, cursor });

    const first = await page(undefined);
    await late.commit();
    const rest = first.nextCursor === null ? [] : await follow(page, first.nextCursor);

    expect([...first.items, ...rest].map((l) => l.spanId)).toEqual([a.spanId, b.spanId, c.spanId]);
    // While the older transaction was open, the lines after it were held back, and the answer said so.
    expect(first).toMatchObject({ items: [], heldBack: true, nextCursor: expect.any(String) });
  });

  it('with many concurrent writers, some committing late and some rolling back, a reader following cursors by actor, subject or time sees every committed line exactly once', async () => {
    const actorId = `writer-${randomUUID()}`;
    const subjects = [`ref-${randomUUID()}`, `ref-${randomUUID()}`, `ref-${randomUUID()}`];
    const from = new Date().toISOString();
    const filters: Record<string, ProcessingLogFilter> = { actor: { actorId }, subject: { dataSubjectRef: subjects[0] }, time: { from } };
    const written = await concurrentWriters({ actorId, subjects, breakGlassShare: 0 }, Object.fromEntries(
      Object.entries(filters).map(([name, filter]) => [name, (cursor: string | undefined) => queryProcessingLog(t.db, { ...filter, limit: 1 + Math.floor(Math.random() * 6), cursor }).then((p) => ({ ...p, items: p.items.map((l) => l.spanId) }))]),
    ));

    const matches: Record<string, (l: ProcessingLogLine) => boolean> = { actor: (l) => l.actorId === actorId, subject: (l) => l.dataSubjectRef === subjects[0], time: () => true };
    for (const name of Object.keys(filters)) written.expectEveryKeyOnce(name, (l) => (matches[name]!(l) ? [l.spanId] : []));
  });
});

describe('following break-the-glass review queue cursors', () => {
  it('lists an access whose transaction began before accesses a page already listed, once it commits', async () => {
    const actorId = `late-${randomUUID()}`;
    const access = () => aLine({ actorId, breakGlass: { id: randomUUID(), reason: 'Spoedoverleg met de andere gemeente', municipality: 'GM0599' } });
    const [a, b, c] = [access(), access(), access()];
    const late = await openTransactionWith([a]);
    await insertLines(t.db, [b]);
    await insertLines(t.db, [c]);
    const page = (cursor: string | undefined) => queryBreakGlassAccesses(t.db, { status: 'all', actorId, limit: 1, cursor });

    const first = await page(undefined);
    await late.commit();
    const rest = first.nextCursor === null ? [] : await follow(page, first.nextCursor);

    expect([...first.items, ...rest].map((x) => x.accessId)).toEqual([a, b, c].map((l) => l.breakGlass!.id));
    expect(first).toMatchObject({ items: [], heldBack: true, nextCursor: expect.any(String) });
  });

  it('with many concurrent writers, some committing late and some rolling back, a reader following cursors sees every committed access exactly once', async () => {
    const actorId = `writer-${randomUUID()}`;
    const filter: BreakGlassAccessFilter = { status: 'all', actorId };
    const written = await concurrentWriters({ actorId, subjects: [`ref-${randomUUID()}`], breakGlassShare: 0.6 }, {
      queue: (cursor) => queryBreakGlassAccesses(t.db, { ...filter, limit: 1 + Math.floor(Math.random() * 6), cursor }).then((p) => ({ ...p, items: p.items.map((x) => x.accessId) })),
    });
    written.expectEveryKeyOnce('queue', (l) => (l.breakGlass === null ? [] : [l.breakGlass.id]));
  });
});

/**
 * Runs writers and readers at once. Each writer writes transactions of one to three lines (a share of them one
 * break-the-glass access), holds some open so later transactions commit first, rolls a quarter back, and writes
 * some through the group-commit writer. Each reader follows the list from its start while they write, always
 * from where the last answer stopped, until the writers are done and an answer begun after that says there is no
 * more. Returns a check that a reader listed every committed key exactly once, and nothing rolled back.
 */
async function concurrentWriters(
  options: { actorId: string; subjects: string[]; breakGlassShare: number },
  readers: Record<string, (cursor: string | undefined) => Promise<ListPage<string>>>,
): Promise<{ expectEveryKeyOnce: (reader: string, keysOf: (l: ProcessingLogLine) => string[]) => void }> {
  const committed: ProcessingLogLine[] = [];
  const rolledBack: ProcessingLogLine[] = [];
  const seen: Record<string, { keys: string[]; pagesWhileWriting: number }> = {};
  let writing = true;
  const groupCommit = new ProcessingLogWriter(t.db);

  const transactionLines = (): ProcessingLogLine[] => {
    const n = 1 + Math.floor(Math.random() * 3);
    const breakGlass = Math.random() < options.breakGlassShare ? { id: randomUUID(), reason: 'Spoedoverleg met de andere gemeente', municipality: 'GM0599' } : null;
    return Array.from({ length: n }, () => aLine({ actorId: options.actorId, dataSubjectRef: options.subjects[Math.floor(Math.random() * options.subjects.length)]!, breakGlass }));
  };
  const writer = async () => {
    for (let i = 0; i < 40; i++) {
      const lines = transactionLines();
      if (Math.random() < 0.2) {
        await groupCommit.write(lines);
        committed.push(...lines);
        continue;
      }
      const rollback = Math.random() < 0.25;
      try {
        await t.db.transaction(async (tx) => {
          await insertLines(tx, lines);
          // Hold the transaction open for a while so later transactions commit before it.
          await sleep(Math.random() * 15);
          if (rollback) throw new Error('random rollback');
        });
        committed.push(...lines);
      } catch (error) {
        if ((error as Error).message !== 'random rollback') throw error;
        rolledBack.push(...lines);
      }
    }
  };
  const reader = async (name: string, page: (cursor: string | undefined) => Promise<ListPage<string>>) => {
    const deadline = Date.now() + 60_000;
    const mine = (seen[name] = { keys: [] as string[], pagesWhileWriting: 0 });
    let cursor: string | undefined;
    for (;;) {
      const done = !writing;
      const p = await page(cursor);
      mine.keys.push(...p.items);
      if (!done && p.items.length > 0) mine.pagesWhileWriting++;
      // Transaction ids are the server's: another database's open transaction holds the list back (safely), so
      // the reader is done once an answer begun after the writers finished has nothing more and holds nothing back.
      if (done && p.nextCursor === null) return;
      if (Date.now() > deadline) throw new Error(`reader ${name} did not reach the end of the list`);
      cursor = p.resumeCursor;
      if (p.items.length === 0) await sleep(done ? 20 : 2);
    }
  };

  const reading = Object.entries(readers).map(([name, page]) => reader(name, page));
  await Promise.all(Array.from({ length: 8 }, () => writer()));
  writing = false;
  await Promise.all(reading);

  return {
    expectEveryKeyOnce: (name, keysOf) => {
      expect(rolledBack.length).toBeGreaterThan(0);
      expect(seen[name]!.pagesWhileWriting).toBeGreaterThan(0);
      const keys = seen[name]!.keys;
      const expected = new Set(committed.flatMap(keysOf));
      expect({ listedTwice: keys.length - new Set(keys).size, rolledBackListed: rolledBack.flatMap(keysOf).filter((k) => keys.includes(k)).length }).toEqual({ listedTwice: 0, rolledBackListed: 0 });
      expect({ missing: [...expected].filter((k) => !keys.includes(k)).length }).toEqual({ missing: 0 });
      expect(new Set(keys)).toEqual(expected);
    },
  };
}
