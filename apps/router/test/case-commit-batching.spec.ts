import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import type { NewEvent } from '#contracts';
import { rowTable, VersionConflictError, type EventStore, type StreamAppend } from '#eventstore';
import { EVENT_STORE, PROCESSING_LOG_WRITER, type ProcessingLogWriter } from '#platform';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { CaseCommitBatcher } from '../src/cases/case-commit.batcher.js';
import { openedCase, PRODUCT_APPS, sendSignal, takeTransition, testMunicipality } from './support/router-fixtures.js';

/**
 * Group commit of case commands: commands on different cases share one statement, yet each is checked on
 * its own case and fails alone.
 */
let h: AppHarness;
let batcher: CaseCommitBatcher;
let store: EventStore;
const municipality = testMunicipality();
let coordinator: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  coordinator = await h.token('coordinator', [municipality]);
  batcher = h.running.app.get(CaseCommitBatcher, { strict: false });
  store = h.running.app.get<symbol, EventStore>(EVENT_STORE, { strict: false });
});
afterAll(async () => h?.stop());

const anEvent = (): NewEvent => ({
  id: randomUUID(),
  type: 'BatchTestHappened',
  version: 1,
  occurredAt: new Date().toISOString(),
  municipality,
  actor: { id: 'tester', role: 'coordinator' },
  correlationId: randomUUID(),
  processingActivity: 'test',
  legalBasis: 'AVG 6(1)(e)',
  payload: {},
});

/** A stream with one event, and the append of one more at version 1. */
async function nextOf(): Promise<StreamAppend> {
  const streamId = `batch-test-${randomUUID()}`;
  const [first] = await store.append(streamId, 0, [anEvent()]);
  return { streamId, expectedVersion: 1, events: [anEvent()], options: { knownHeadHash: first!.hash } };
}

/**
 * Submits `commits` right behind a commit that occupies the batcher's one statement in flight, so they
 * queue up together for the next statement.
 */
async function behindOne<T>(commits: () => Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  const blocker = await nextOf();
  const inFlight = batcher.commit(blocker);
  const settled = await Promise.allSettled(commits());
  await inFlight;
  return settled;
}

const transactionOf = async (streamId: string): Promise<string> =>
  (await h.query<{ tx: string }>('SELECT transaction_id::text AS tx FROM events WHERE stream_id = $1 AND stream_version = 2', [streamId]))[0]!.tx;

it('two commands on the same case submitted together: exactly one wins, the other is a conflict; their neighbours commit in one statement', async () => {
  const [a, b, c] = [await nextOf(), await nextOf(), await nextOf()];
  const settled = await behindOne(() => [batcher.commit(a), batcher.commit({ ...a, events: [anEvent()] }), batcher.commit(b), batcher.commit(c)]);
  expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
  const loser = (settled[1] as PromiseRejectedResult).reason;
  expect(loser).toBeInstanceOf(VersionConflictError);
  expect(loser).toMatchObject({ details: { streamId: a.streamId, expectedVersion: 1, actualVersion: 2 } });
  expect(await store.streamVersion(a.streamId)).toBe(2);
  expect(new Set([await transactionOf(a.streamId), await transactionOf(b.streamId), await transactionOf(c.streamId)]).size).toBe(1);
});

it('a stale command in a batch is refused alone; the others still commit together', async () => {
  const [stale, b, c] = [await nextOf(), await nextOf(), await nextOf()];
  await store.append(stale.streamId, 1, [anEvent()]); // another writer moves it on
  const settled = await behindOne(() => [batcher.commit(b), batcher.commit(stale), batcher.commit(c)]);
  expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'EVENTSTORE.VERSION_CONFLICT', details: { actualVersion: 2 } });
  expect(await transactionOf(b.streamId)).toBe(await transactionOf(c.streamId));
});

it('a command whose writes fail does not fail its neighbours in the batch', async () => {
  const [bad, b, c] = [await nextOf(), await nextOf(), await nextOf()];
  const failing: StreamAppend = { ...bad, options: { ...bad.options, alsoInsert: [(param) => `INSERT INTO outbox (event_id, topic, message_key) VALUES (${param('not-a-uuid')}::uuid, 't', 'k')`] } };
  const settled = await behindOne(() => [batcher.commit(b), batcher.commit(failing), batcher.commit(c)]);
  expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: '22P02' });
  expect([await store.streamVersion(b.streamId), await store.streamVersion(bad.streamId), await store.streamVersion(c.streamId)]).toEqual([2, 1, 2]);
});

it('two commands in one batch that write the same row of a table (two cases taking one signal) both commit, one after the other', async () => {
  const signalId = randomUUID();
  const links = rowTable('router_signals', { signal_id: 'uuid', case_id: 'uuid' }, 'ON CONFLICT (signal_id) DO UPDATE SET case_id = EXCLUDED.case_id');
  const [a, b] = [await nextOf(), await nextOf()];
  const linking = (item: StreamAppend): StreamAppend => ({ ...item, options: { ...item.options, rows: [{ table: links, values: { signal_id: signalId, case_id: randomUUID() } }] } });
  const settled = await behindOne(() => [batcher.commit(linking(a)), batcher.commit(linking(b))]);
  expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled']);
  expect([await store.streamVersion(a.streamId), await store.streamVersion(b.streamId)]).toEqual([2, 2]);
});

it('over HTTP: concurrent transitions on several cases all commit, two on one case with the same If-Match give one 200 and one 409, and every request has one processing-log line (a committed one written in its own statement)', async () => {
  const cases: { caseId: string; etag: string }[] = [];
  for (let i = 0; i < 4; i++) {
    const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [await sendSignal(h, coordinator, 'mma', municipality)] });
    cases.push({ caseId: opened.body.caseId as string, etag: opened.headers.get('etag')! });
  }
  const up = { transition: 'opschalen-ave-2', reasonCategory: 'complexiteit', reason: 'Meerdere leefgebieden' };
  const logLines = async () => h.query<{ status_code: number }>("SELECT status_code FROM processing_log WHERE route = '/v1/cases/:id/transitions' ORDER BY id");
  const before = (await logLines()).length;
  const writer = h.running.app.get<symbol, ProcessingLogWriter>(PROCESSING_LOG_WRITER, { strict: false });
  const separateWrites = jest.spyOn(writer, 'write');
  const [first, ...rest] = cases;
  const answers = await Promise.all([takeTransition(h, coordinator, first!.caseId, up, first!.etag), ...[first!, ...rest].map((c) => takeTransition(h, coordinator, c.caseId, up, c.etag))]);
  const onFirst = answers.slice(0, 2).map((r) => r.status).sort();
  expect(onFirst).toEqual([200, 409]);
  const conflict = answers.slice(0, 2).find((r) => r.status === 409)!;
  expect({ code: conflict.body.code, currentVersion: conflict.body.currentVersion }).toEqual({ code: 'EVENTSTORE.VERSION_CONFLICT', currentVersion: 2 });
  expect(answers.slice(2).map((r) => [r.status, r.body.version])).toEqual([[200, 2], [200, 2], [200, 2]]);
  for (const c of cases) {
    expect((await h.query<{ v: number }>('SELECT max(stream_version) AS v FROM events WHERE stream_id = $1', [`case-${c.caseId}`]))[0]!.v).toBe(2);
  }
  const lines = (await logLines()).slice(before).map((l) => Number(l.status_code)).sort();
  expect(lines).toEqual([200, 200, 200, 200, 409]);
  // Only the refused request's line went through the interceptor's own write.
  expect(separateWrites.mock.calls.map(([written]) => written.map((l) => l.statusCode))).toEqual([[409]]);
  separateWrites.mockRestore();
});
