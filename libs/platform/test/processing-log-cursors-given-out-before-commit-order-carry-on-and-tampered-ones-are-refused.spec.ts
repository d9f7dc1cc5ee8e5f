import { randomBytes, randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { insertRowsSql, type SqlExecutor } from '#eventstore';
import {
  CreateProcessingLog1764300001000,
  decodeCommitOrderCursor,
  encodeCommitOrderCursor,
  processingLogRow,
  queryBreakGlassAccesses,
  queryProcessingLog,
  type ProcessingLogLine,
} from '#platform';
import { AddBreakGlassToProcessingLog1764600000000 } from '../src/processing-log/break-glass.migration.js';
import { OrderProcessingLogByCommit1764900016300 } from '../src/processing-log/processing-log-commit-order.migration.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';

/**
 * The processing log and the break-the-glass queue page in commit order (transaction id, line id). Their cursors
 * stay opaque: only one this API gave out is taken. One given out before, when they paged by line id alone, still
 * carries on from the same line: the lines written then all have transaction id 0 and come first, in id order.
 */

const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('a commit-order cursor', () => {
  it('is read back as the place it was made for', () => {
    for (const p of [{ transactionId: '0', lineId: '0' }, { transactionId: '758', lineId: '12' }, { transactionId: '9999999999999999999', lineId: '999999999999999999' }]) {
      expect(decodeCommitOrderCursor('pl', encodeCommitOrderCursor('pl', p))).toEqual(p);
      expect(decodeCommitOrderCursor('bg', encodeCommitOrderCursor('bg', p))).toEqual(p);
    }
  });

  it('given out when the lists paged by line id, is that line among the lines of transaction 0', () => {
    expect(decodeCommitOrderCursor('pl', b64('pl:42'))).toEqual({ transactionId: '0', lineId: '42' });
    expect(decodeCommitOrderCursor('bg', b64('bg:7'))).toEqual({ transactionId: '0', lineId: '7' });
  });

  it('is refused with VALIDATION.CURSOR_INVALID when this API did not give it out', () => {
    const valid = encodeCommitOrderCursor('pl', { transactionId: '758', lineId: '12' });
    const refused = [
      '', 'bm9wZQ', b64('pl:'), b64('pl:1:2:3'), b64('pl:-1'), b64('pl:01'), b64('pl:07:1'), b64('pl:1:x'), b64(' pl:1:1'),
      b64(`pl:${'9'.repeat(19)}`), // a line id too large for a bigint
      b64(`pl:${'9'.repeat(20)}:1`), // a transaction id too large
      encodeCommitOrderCursor('bg', { transactionId: '758', lineId: '12' }), // the review queue's
      `${valid}=`, `${valid}.`, // the same bytes, not the same text
    ];
    for (const cursor of refused) expect(() => decodeCommitOrderCursor('pl', cursor)).toThrow(expect.objectContaining({ code: 'VALIDATION.CURSOR_INVALID' }));
  });
});

describe('the lists across the change to commit order', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ migrations: [CreateProcessingLog1764300001000, AddBreakGlassToProcessingLog1764600000000] });
  });
  afterAll(async () => t?.drop());

  const actorId = `auditee-${randomUUID()}`;
  const aLine = (breakGlass: ProcessingLogLine['breakGlass'] = null): ProcessingLogLine => {
    const now = new Date().toISOString();
    return {
      traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex'), parentSpanId: null, operation: 'GET /v1/signals/:id', processingActivity: 'test',
      purpose: 'test', legalBasis: null, dataSubjectType: 'signal', dataSubjectRef: null, actorId, actorRole: 'coordinator', method: 'GET', route: '/v1/signals/:id',
      statusCode: 200, outcome: 'ok', startedAt: now, endedAt: now, breakGlass,
    };
  };
  const access = () => aLine({ id: randomUUID(), reason: 'Spoedoverleg met de andere gemeente', municipality: 'GM0599' });
  const insert = async (db: SqlExecutor, lines: ProcessingLogLine[]) => {
    const params: unknown[] = [];
    const rows = lines.map(processingLogRow);
    await db.query(insertRowsSql(rows[0]!.table, rows, (v) => `$${params.push(v)}`), params);
  };
  const all = async <T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>, cursor: string): Promise<T[]> => {
    const items: T[] = [];
    for (let next: string | null = cursor; next !== null; ) {
      const p = await page(next);
      items.push(...p.items);
      next = p.nextCursor;
    }
    return items;
  };

  it('a cursor given out before carries on after the same line, and the lines written since follow', async () => {
    const old = [aLine(), aLine(), aLine(), access(), access()];
    for (const line of old) await insert(t.db, [line]);
    const ids = (await t.db.query<{ id: string }>('SELECT id::text AS id FROM processing_log ORDER BY processing_log.id')).rows.map((r) => r.id);
    const oldLineCursor = b64(`pl:${ids[1]}`); // as the previous version gave it out, after the second line
    const oldQueueCursor = b64(`bg:${ids[3]}`); // after the first access

    await t.db.transaction((tx) => new OrderProcessingLogByCommit1764900016300().up({ query: (sql: string) => tx.query(sql) } as unknown as QueryRunner));
    expect((await t.db.query<{ transaction_id: string }>('SELECT DISTINCT transaction_id::text AS transaction_id FROM processing_log')).rows).toEqual([{ transaction_id: '0' }]);
    const since = [aLine(), access()];
    for (const line of since) await insert(t.db, [line]);

    const lines = await all((cursor) => queryProcessingLog(t.db, { actorId, limit: 2, cursor }), oldLineCursor);
    expect(lines.map((l) => l.spanId)).toEqual([...old.slice(2), ...since].map((l) => l.spanId));
    const accesses = await all((cursor) => queryBreakGlassAccesses(t.db, { status: 'all', actorId, limit: 1, cursor }), oldQueueCursor);
    expect(accesses.map((a) => a.accessId)).toEqual([old[4]!, since[1]!].map((l) => l.breakGlass!.id));
  });

  it('a cursor this API did not give out is refused by both lists', async () => {
    await expect(queryProcessingLog(t.db, { actorId, cursor: b64('pl:1:2:3') })).rejects.toMatchObject({ code: 'VALIDATION.CURSOR_INVALID' });
    await expect(queryBreakGlassAccesses(t.db, { status: 'all', cursor: encodeCommitOrderCursor('pl', { transactionId: '1', lineId: '1' }) })).rejects.toMatchObject({ code: 'VALIDATION.CURSOR_INVALID' });
  });
});
