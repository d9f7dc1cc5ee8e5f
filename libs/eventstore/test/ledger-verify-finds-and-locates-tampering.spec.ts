import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { eventHash, EventStore, LedgerCheckpointer, LedgerVerifier, rowToEnvelope, EVENT_COLUMNS, type EventRow, type LedgerVerification } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { anEvent } from './fixtures.js';

/**
 * Tampering as an attacker with database rights would do it — triggers disabled, rows changed with SQL —
 * and what `verify` says: each kind found, and located at the first broken position.
 *
 * The ledger: 8 streams of 5 events, appended round-robin (one transaction per append, so commit order
 * interleaves the streams), sealed every 10 events: 4 checkpoints over 40 events.
 */

const STREAMS = 8;
const PER_STREAM = 5;
let t: TestDatabase | null = null;

/**
 * Every test runs for both ways the verifier reads the stream chains: keyset pages through the pool (the
 * embedded database's way), and one `COPY … TO STDOUT` pass on a connection of its own (PostgreSQL's).
 */
const READS = [{ read: 'keyset pages', copy: false }, { read: 'a COPY stream', copy: true }] as const;
let copy = false;

/** A verifier of `db` reading the way the running test's mode says (COPY only where there is a PostgreSQL URL). */
function verifier(db: TestDatabase, options: ConstructorParameters<typeof LedgerVerifier>[1] = {}): LedgerVerifier {
  return new LedgerVerifier(db.db, copy && db.url ? { parallel: { databaseUrl: db.url, workers: 1 }, ...options } : options);
}

afterEach(async () => {
  await t?.drop();
  t = null;
});

interface Ledger {
  t: TestDatabase;
  store: EventStore;
  /** Stream ids in creation order. */
  streams: string[];
  /** Every row in position order. */
  rows: () => Promise<EventRow[]>;
  sql: (text: string, params?: unknown[]) => Promise<unknown[]>;
  verify: (options?: ConstructorParameters<typeof LedgerVerifier>[1]) => Promise<LedgerVerification>;
}

/**
 * Waits until `n` events are below the oldest transaction in flight. Snapshots span the whole server, so
 * another test's open transaction (in any database) briefly holds the checkpointer back.
 */
async function visibleToCheckpointer(db: TestDatabase, n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await db.db.query<{ n: string }>('SELECT count(*)::text AS n FROM events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())');
    if (Number(r.rows[0]!.n) >= n) return;
    if (Date.now() > deadline) throw new Error(`only ${r.rows[0]!.n} of ${n} events became visible`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function visibleCount(db: TestDatabase): Promise<number> {
  const r = await db.db.query<{ n: string }>('SELECT count(*)::text AS n FROM events WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())');
  return Number(r.rows[0]!.n);
}

async function sealedLedger(): Promise<Ledger> {
  t = await createTestDatabase();
  const db = t.db;
  const store = new EventStore(db);
  const streams = Array.from({ length: STREAMS }, () => `case-${randomUUID()}`);
  for (let v = 0; v < PER_STREAM; v++) {
    for (const s of streams) await store.append(s, v, [anEvent({ payload: { step: v, note: `stap ${v} van ${s}` } })]);
  }
  await visibleToCheckpointer(t, STREAMS * PER_STREAM);
  const sealed = await new LedgerCheckpointer(db, { every: 10 }).checkpointOnce({ flush: true });
  expect(sealed.map((c) => c.eventCount)).toEqual([10, 10, 10, 10]);
  const sql = async (text: string, params: unknown[] = []) => (await db.query(text, params)).rows;
  await sql('ALTER TABLE events DISABLE TRIGGER events_no_update_delete');
  return {
    t,
    store,
    streams,
    sql,
    rows: async () => (await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events ORDER BY events.position`)).rows,
    verify: (options) => verifier(t!, { batchSize: 7, ...options }).verify(),
  };
}

describe.each(READS)('reading the chains through $read', ({ copy: viaCopy }) => {
  beforeAll(() => {
    copy = viaCopy;
  });

  describe('an untouched ledger', () => {
    it('verifies: every event checked, every range sealed, the head named', async () => {
      const l = await sealedLedger();
      await l.store.append(l.streams[0]!, PER_STREAM, [anEvent()]);
      const result = await l.verify();
      expect(result).toMatchObject({ ok: true, eventsChecked: 41, streamsChecked: 8, checkpointsChecked: 4, eventsSealed: 40, eventsNotYetSealed: 1, firstBreak: null, breakCount: 0 });
      expect(result.head).toMatchObject({ seq: 4, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    });

    it('verifies and locates an edit on the embedded database (PGlite) as well', async () => {
      t = await createTestDatabase({ embedded: true });
      const store = new EventStore(t.db);
      for (let i = 0; i < 6; i++) await store.append(`s-${i % 2}`, Math.floor(i / 2), [anEvent({ payload: { i } })]);
      await visibleToCheckpointer(t, 6);
      await new LedgerCheckpointer(t.db, { every: 4 }).checkpointOnce({ flush: true });
      expect(await verifier(t).verify()).toMatchObject({ ok: true, eventsChecked: 6, checkpointsChecked: 2 });
      await t.db.query('ALTER TABLE events DISABLE TRIGGER events_no_update_delete');
      await t.db.query(`UPDATE events SET payload = '{"i": 99}' WHERE position = 3`);
      expect((await verifier(t).verify()).firstBreak).toMatchObject({ kind: 'hash-mismatch', position: '3' });
    });

    it('verifies a ledger without checkpoints yet, and an empty one', async () => {
      t = await createTestDatabase();
      expect(await verifier(t).verify()).toMatchObject({ ok: true, eventsChecked: 0, head: null });
      await new EventStore(t.db).append('s-1', 0, [anEvent(), anEvent()]);
      expect(await verifier(t).verify()).toMatchObject({ ok: true, eventsChecked: 2, eventsNotYetSealed: 2, head: null });
    });
  });

  describe('edit: a payload changed in place', () => {
    it('is found as hash-mismatch at that event', async () => {
      const l = await sealedLedger();
      const target = (await l.rows())[17]!;
      await l.sql(`UPDATE events SET payload = jsonb_set(payload, '{note}', '"iets anders"') WHERE position = $1`, [target.position]);
      const result = await l.verify();
      expect(result.ok).toBe(false);
      expect(result.firstBreak).toMatchObject({ kind: 'hash-mismatch', position: String(target.position), streamId: target.stream_id, expected: target.hash, checkpointSeq: 2 });
      expect(result.breakCount).toBe(1);
    });

    it('is found when only a column outside the payload changed (actor, timestamp below the millisecond)', async () => {
      const l = await sealedLedger();
      const [a, b] = [(await l.rows())[3]!, (await l.rows())[30]!];
      await l.sql(`UPDATE events SET actor_role = 'admin' WHERE position = $1`, [a.position]);
      await l.sql(`UPDATE events SET recorded_at = recorded_at + interval '1 microsecond' WHERE position = $1`, [b.position]);
      const result = await l.verify();
      expect(result.breaks.map((x) => [x.kind, x.position])).toEqual([
        ['hash-mismatch', String(a.position)],
        ['hash-mismatch', String(b.position)],
      ]);
    });

    it('is found when a column is set to NULL after its NOT NULL was dropped (the fast path read the next field there)', async () => {
      const l = await sealedLedger();
      const [a, b] = [(await l.rows())[5]!, (await l.rows())[25]!];
      await l.sql('ALTER TABLE events ALTER COLUMN special_category DROP NOT NULL, ALTER COLUMN schema_version DROP NOT NULL');
      await l.sql('UPDATE events SET special_category = NULL WHERE position = $1', [a.position]);
      await l.sql('UPDATE events SET schema_version = NULL WHERE position = $1', [b.position]);
      const result = await l.verify();
      expect(result.breaks.map((x) => [x.kind, x.position])).toEqual([
        ['hash-mismatch', String(a.position)],
        ['hash-mismatch', String(b.position)],
      ]);
    });

    it('is found as rewritten when the attacker also recomputed the hashes of the stream', async () => {
      const l = await sealedLedger();
      const rows = await l.rows();
      const target = rows.find((r) => r.stream_version === 2)!;
      // Rewrite version 2 and re-seal versions 2..5 of its stream so that the stream chain is consistent again.
      let prevHash = rows.find((r) => r.stream_id === target.stream_id && r.stream_version === 1)!.hash;
      for (const row of rows.filter((r) => r.stream_id === target.stream_id && r.stream_version >= 2)) {
        const envelope = rowToEnvelope(row);
        if (row.position === target.position) envelope.payload = { ...envelope.payload, note: 'herschreven' };
        const { position: _p, hash: _h, ...rest } = { ...envelope, prevHash };
        const hash = eventHash(rest);
        await l.sql('UPDATE events SET payload = $2::jsonb, prev_hash = $3, hash = $4 WHERE position = $1', [row.position, JSON.stringify(envelope.payload), prevHash, hash]);
        prevHash = hash;
      }
      const result = await l.verify();
      expect(result.ok).toBe(false);
      expect(result.breaks.some((b) => b.kind === 'hash-mismatch' || b.kind === 'prev-hash-mismatch')).toBe(false);
      expect(result.firstBreak).toMatchObject({ kind: 'rewritten', position: String(target.position), streamId: target.stream_id, expected: target.hash });
    });
  });

  describe('deletion', () => {
    it('of an event in the middle of a stream is found as deleted, at the deleted position, with its stream', async () => {
      const l = await sealedLedger();
      const target = (await l.rows()).find((r) => r.stream_version === 3)!;
      await l.sql('DELETE FROM events WHERE position = $1', [target.position]);
      const result = await l.verify();
      expect(result.firstBreak).toMatchObject({ kind: 'deleted', position: String(target.position), streamId: target.stream_id, hash: target.hash });
      // The stream chain names the gap at the successor, too.
      expect(result.breaks).toContainEqual(expect.objectContaining({ kind: 'version-gap', streamId: target.stream_id, expected: expect.stringContaining('version 3'), actual: 'version 4' }));
    });

    it('is named at the deleted position first, before the gap it leaves at its successor in the same range', async () => {
      t = await createTestDatabase();
      const [first, deleted, successor] = await new EventStore(t.db).append('s-1', 0, [anEvent(), anEvent(), anEvent()]);
      await visibleToCheckpointer(t, 3);
      await new LedgerCheckpointer(t.db).checkpointOnce({ flush: true });
      await t.db.query('ALTER TABLE events DISABLE TRIGGER events_no_update_delete');
      await t.db.query('DELETE FROM events WHERE position = $1', [deleted!.position]);
      const result = await verifier(t).verify();
      expect(result.breaks.map((b) => [b.kind, b.position])).toEqual([
        ['deleted', deleted!.position],
        ['version-gap', successor!.position],
      ]);
      expect(first!.position < deleted!.position).toBe(true);
    });

    it('of the last event of a stream (no gap in any chain) is still found by its sealed range', async () => {
      const l = await sealedLedger();
      const target = (await l.rows()).find((r) => r.stream_version === PER_STREAM)!;
      await l.sql('DELETE FROM events WHERE position = $1', [target.position]);
      const result = await l.verify();
      expect(result.breaks.map((b) => b.kind)).toEqual(['deleted']);
      // Nothing left names its stream: no successor seals it.
      expect(result.firstBreak).toMatchObject({ position: String(target.position), hash: target.hash, streamId: null });
    });

    it('is found even when a neighbour’s stored hash is forged to carry the deleted event’s sealed line', async () => {
      const l = await sealedLedger();
      const inCommitOrder = (await l.sql(`SELECT transaction_id::text AS t, position::text AS p, hash FROM events ORDER BY transaction_id, position`)) as { t: string; p: string; hash: string }[];
      // b: the last event of its stream, in the middle of a sealed range; a: the event before it in commit order.
      const [a, b] = [inCommitOrder[34]!, inCommitOrder[35]!];
      await l.sql('UPDATE events SET hash = $2 WHERE position = $1', [a.p, `${a.hash}\n${b.t}:${b.p}:${b.hash}`]);
      await l.sql('DELETE FROM events WHERE position = $1', [b.p]);
      const result = await l.verify();
      expect(result.breaks.map((x) => x.kind)).toEqual(expect.arrayContaining(['deleted', 'rewritten', 'hash-mismatch']));
      expect(result.breaks.find((x) => x.kind === 'deleted')).toMatchObject({ position: b.p, hash: b.hash });
    });
  });

  describe('reordering', () => {
    it('of two events of different streams (positions swapped) is found at the first of the two positions', async () => {
      const l = await sealedLedger();
      const rows = await l.rows();
      const [a, b] = [rows[12]!, rows[15]!];
      expect(a.stream_id).not.toBe(b.stream_id);
      await l.sql('UPDATE events SET position = -1 WHERE position = $1', [a.position]);
      await l.sql('UPDATE events SET position = $1 WHERE position = $2', [a.position, b.position]);
      await l.sql('UPDATE events SET position = $1 WHERE position = -1', [b.position]);
      const result = await l.verify();
      expect(result.ok).toBe(false);
      expect(result.firstBreak).toMatchObject({ kind: 'reordered', position: String(a.position), hash: a.hash, streamId: a.stream_id, checkpointSeq: 2 });
      expect(result.breaks.map((x) => [x.kind, x.position])).toEqual([
        ['reordered', String(a.position)],
        ['reordered', String(b.position)],
      ]);
    });

    it('of two versions of one stream is found by the stream chain as well', async () => {
      const l = await sealedLedger();
      const rows = await l.rows();
      const [v2, v3] = [rows.find((r) => r.stream_version === 2)!, rows.find((r) => r.stream_version === 3 && r.stream_id === rows.find((x) => x.stream_version === 2)!.stream_id)!];
      await l.sql('UPDATE events SET position = -1 WHERE position = $1', [v2.position]);
      await l.sql('UPDATE events SET position = $1 WHERE position = $2', [v2.position, v3.position]);
      await l.sql('UPDATE events SET position = $1 WHERE position = -1', [v3.position]);
      const result = await l.verify();
      expect(result.firstBreak).toMatchObject({ kind: 'reordered', position: String(v2.position) });
      expect(result.breaks).toContainEqual(expect.objectContaining({ kind: 'stream-order', streamId: v2.stream_id }));
    });

    it('of two versions of one stream in commit order (transaction ids swapped, positions kept) is found by the stream chain', async () => {
      // Readers consume in (transaction id, position) order: version 3 committed "before" version 2 is read first.
      const l = await sealedLedger();
      const rows = await l.rows();
      const v2 = rows.find((r) => r.stream_version === 2)!;
      const v3 = rows.find((r) => r.stream_version === 3 && r.stream_id === v2.stream_id)!;
      const [t2, t3] = [((await l.sql('SELECT transaction_id::text AS t FROM events WHERE position = $1', [v2.position]))[0] as { t: string }).t, ((await l.sql('SELECT transaction_id::text AS t FROM events WHERE position = $1', [v3.position]))[0] as { t: string }).t];
      expect(BigInt(t2)).toBeLessThan(BigInt(t3));
      await l.sql('UPDATE events SET transaction_id = $1::text::xid8 WHERE position = $2', [t3, v2.position]);
      await l.sql('UPDATE events SET transaction_id = $1::text::xid8 WHERE position = $2', [t2, v3.position]);
      const result = await l.verify();
      expect(result.ok).toBe(false);
      expect(result.breaks).toContainEqual(expect.objectContaining({ kind: 'stream-order', streamId: v2.stream_id, position: String(v3.position) }));
    });

    it('of two events’ contents (payloads swapped) is found as two edits', async () => {
      const l = await sealedLedger();
      const rows = await l.rows();
      const [a, b] = [rows[5]!, rows[25]!];
      await l.sql('UPDATE events SET payload = $2::jsonb WHERE position = $1', [a.position, JSON.stringify(b.payload)]);
      await l.sql('UPDATE events SET payload = $2::jsonb WHERE position = $1', [b.position, JSON.stringify(a.payload)]);
      const result = await l.verify();
      expect(result.breaks.map((x) => [x.kind, x.position])).toEqual([
        ['hash-mismatch', String(a.position)],
        ['hash-mismatch', String(b.position)],
      ]);
    });
  });

  describe('truncation', () => {
    it('of the sealed tail is found at the first removed position', async () => {
      const l = await sealedLedger();
      const rows = await l.rows();
      const firstRemoved = rows[33]!;
      await l.sql('DELETE FROM events WHERE position >= $1', [firstRemoved.position]);
      const result = await l.verify();
      expect(result.firstBreak).toMatchObject({ kind: 'truncated', position: String(firstRemoved.position), checkpointSeq: 4 });
      expect(result.firstBreak!.detail).toContain('7 sealed event(s)');
      expect(result.breakCount).toBe(1);
    });

    it('across whole ranges, and of everything, is found at the first removed position', async () => {
      const l = await sealedLedger();
      const rows = await l.rows();
      await l.sql('DELETE FROM events WHERE position >= $1', [rows[20]!.position]);
      expect((await l.verify()).firstBreak).toMatchObject({ kind: 'truncated', position: String(rows[20]!.position), checkpointSeq: 3 });
      await l.sql('DELETE FROM events');
      expect((await l.verify()).firstBreak).toMatchObject({ kind: 'truncated', position: String(rows[0]!.position), checkpointSeq: 1, actual: 'no events' });
    });

    it('together with the checkpoints that sealed it is found against an anchor recorded earlier', async () => {
      const l = await sealedLedger();
      const before = await l.verify();
      const rows = await l.rows();
      await l.sql('ALTER TABLE ledger_checkpoints DISABLE TRIGGER ledger_checkpoints_no_update_delete');
      await l.sql('DELETE FROM ledger_checkpoints WHERE seq = 4');
      await l.sql('DELETE FROM events WHERE position >= $1', [rows[30]!.position]);
      expect((await l.verify()).ok).toBe(true); // a consistent shorter ledger: only an anchor can tell
      const anchored = await l.verify({ anchors: [{ seq: before.head!.seq, hash: before.head!.hash }] });
      expect(anchored.firstBreak).toMatchObject({ kind: 'anchor-mismatch', checkpointSeq: 4 });
    });
  });

  describe('the checkpoint chain itself', () => {
    it('finds an altered checkpoint row and altered sealed lines', async () => {
      const l = await sealedLedger();
      await l.sql('ALTER TABLE ledger_checkpoints DISABLE TRIGGER ledger_checkpoints_no_update_delete');
      await l.sql(`UPDATE ledger_checkpoints SET event_count = 9 WHERE seq = 2`);
      const result = await l.verify();
      expect(result.firstBreak).toMatchObject({ kind: 'checkpoint-chain-broken', checkpointSeq: 2 });
      t = null;
      await l.t.drop();

      const m = await sealedLedger();
      await m.sql('ALTER TABLE ledger_checkpoints DISABLE TRIGGER ledger_checkpoints_no_update_delete');
      await m.sql(`UPDATE ledger_checkpoints SET lines = regexp_replace(lines, '^[0-9]+:', '1:') WHERE seq = 3`);
      expect((await m.verify()).firstBreak).toMatchObject({ kind: 'checkpoint-chain-broken', checkpointSeq: 3 });
    });

    it('refuses UPDATE, DELETE and TRUNCATE on the ledger tables while the triggers are on', async () => {
      t = await createTestDatabase();
      await new EventStore(t.db).append('s-1', 0, [anEvent()]);
      await visibleToCheckpointer(t, 1);
      expect(await new LedgerCheckpointer(t.db).checkpointOnce({ flush: true })).toHaveLength(1);
      for (const statement of ['UPDATE ledger_checkpoints SET event_count = 2', 'DELETE FROM ledger_checkpoints', 'TRUNCATE ledger_checkpoints', 'TRUNCATE events']) {
        await expect(t.db.query(statement)).rejects.toThrow(/append-only/);
      }
    });
  });

  describe('the checkpointer', () => {
    it('seals full ranges at once, a partial one only after the maximum delay, and never a transaction still in flight', async () => {
      t = await createTestDatabase();
      if (!t.url) return; // needs a second connection: PostgreSQL only
      let now = new Date('2026-11-26T10:00:00.000Z');
      const store = new EventStore(t.db, () => now);
      const checkpointer = new LedgerCheckpointer(t.db, { every: 3, maxDelayMs: 60_000, clock: () => now });
      await store.append('s-a', 0, [anEvent(), anEvent(), anEvent(), anEvent()]);
      await visibleToCheckpointer(t, 4);
      expect((await checkpointer.checkpointOnce()).map((c) => c.eventCount)).toEqual([3]);
      expect(await checkpointer.checkpointOnce()).toEqual([]); // one event waits for the delay

      // A writer whose transaction began first but commits last: its events must not be skipped.
      const late = new pg.Client({ connectionString: t.url });
      await late.connect();
      try {
        await late.query('BEGIN');
        await late.query('SELECT pg_current_xact_id()');
        await late.query(
          `INSERT INTO events (id, stream_id, stream_version, type, schema_version, occurred_at, recorded_at, actor_id, actor_role, correlation_id, processing_activity, legal_basis, payload, prev_hash, hash)
           VALUES ($1, 's-late', 1, 'T', 1, now(), now(), 'x', 'system', $2, 'test', 'test', '{}', NULL, 'deadbeef')`,
          [randomUUID(), randomUUID()],
        );
        await store.append('s-b', 0, [anEvent(), anEvent(), anEvent()]);
        expect(await visibleCount(t)).toBe(4); // s-b waits behind the open transaction
        now = new Date(now.getTime() + 61_000);
        const sealed = await checkpointer.checkpointOnce();
        // Nothing after the in-flight transaction's id is visible yet: the writer with the lower id has not committed.
        expect(sealed.reduce((n, c) => n + c.eventCount, 0)).toBe(1);
        await late.query('ROLLBACK');
      } finally {
        await late.end();
      }
      await visibleToCheckpointer(t, 7);
      const rest = await checkpointer.checkpointOnce({ flush: true });
      expect(rest.reduce((n, c) => n + c.eventCount, 0)).toBe(3);
      const result = await verifier(t).verify();
      expect(result).toMatchObject({ ok: true, eventsChecked: 7, eventsSealed: 7, eventsNotYetSealed: 0, checkpointsChecked: 3 });
    });
  });
});
