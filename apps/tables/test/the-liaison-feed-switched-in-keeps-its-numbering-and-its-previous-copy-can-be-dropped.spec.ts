import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EscalationTierNotified } from '#domain';
import { EventStore, ProjectionReplayer } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { insertFeedRows } from '../src/liaison/escalation-rows.js';
import { LIAISON_FEED_PROJECTION } from '../src/liaison/liaison-feed.projection.js';
import { LiaisonFeedRepository, type FeedCursor } from '../src/liaison/liaison-feed.repository.js';
import { TABLES_MIGRATIONS } from '../src/tables.migrations.js';

/**
 * `replay --projection liaison-feed --switch` rebuilds the feed `LIKE` the live one, so the rebuilt rows draw their
 * `seq` from the live feed's sequence. The switch hands that sequence to the new live feed: the kept former feed
 * (escalations with case fields: personal data) can then be dropped (`--drop-previous`), switch after switch, and
 * the feed keeps one numbering: the rebuilt steps come after every former one and the steps written after the
 * switch after every rebuilt one, so a liaison resuming from `Last-Event-ID` gets exactly the new steps.
 * Before, the renamed former feed kept the sequence, and dropping it failed ("other objects depend on it").
 * Real PostgreSQL, the tables app's migrations and its writers' SQL.
 */

let t: TestDatabase;
let store: EventStore;
let replayer: ProjectionReplayer;
let feed: LiaisonFeedRepository;
const ENSCHEDE = 'GM0153';

/** Notifies a tier of a new escalation `steps` times, committed as the product commits it: the events with their feed rows. */
async function escalationSteps(steps: number): Promise<string[]> {
  const escalationId = randomUUID();
  const events = Array.from({ length: steps }, (_, i) => {
    const event: EscalationTierNotified = {
      type: 'EscalationTierNotified', escalationId, municipality: ENSCHEDE, tierIndex: 0, tierId: 'wijkagent', tierTitle: 'Wijkagent',
      attempt: i + 1, ackDueAt: '2026-11-26T09:00:00.000Z', at: `2026-11-26T08:0${i}:00.000Z`,
    };
    return { id: randomUUID(), event };
  });
  await store.append(`escalation-${escalationId}`, 0, events.map(({ id, event: { type, ...payload } }) => ({
    id, type, version: 1, occurredAt: payload.at, municipality: ENSCHEDE, actor: { id: 'system', role: 'system' },
    correlationId: randomUUID(), processingActivity: 'escalation', legalBasis: 'AVG 6(1)(e)', payload,
  })), { alsoInsert: [insertFeedRows(events)] });
  return events.map((e) => e.id);
}

const feedRows = async (): Promise<{ eventId: string; seq: number }[]> =>
  (await t.db.query<{ event_id: string; seq: string }>('SELECT event_id, seq::text AS seq FROM liaison_feed ORDER BY liaison_feed.seq')).rows.map((r) => ({ eventId: r.event_id, seq: Number(r.seq) }));
const feedTables = async (): Promise<string[]> =>
  (await t.db.query<{ tablename: string }>("SELECT tablename::text AS tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'liaison\\_%' ORDER BY 1")).rows.map((r) => r.tablename);
const cursorAfter = (cursor: FeedCursor, other: FeedCursor): boolean =>
  BigInt(cursor.transactionId) > BigInt(other.transactionId) || (cursor.transactionId === other.transactionId && BigInt(cursor.seq) > BigInt(other.seq));

async function switchFeed(): Promise<void> {
  const report = await replayer.replay(LIAISON_FEED_PROJECTION.name, { switch: true });
  expect(report.identical).toBe(true);
  expect(report.switched?.previousTables.liaison_feed).toMatch(/^liaison_feed_previous_/);
}

beforeAll(async () => {
  t = await createTestDatabase({ migrations: TABLES_MIGRATIONS });
  store = new EventStore(t.db);
  replayer = new ProjectionReplayer(t.db, [LIAISON_FEED_PROJECTION]);
  feed = new LiaisonFeedRepository(t.db);
  await escalationSteps(2);
  await escalationSteps(1);
});
afterAll(async () => {
  await t?.drop();
});

describe('the liaison feed switched in by a replay', () => {
  it('lets the kept former feed be dropped, and numbers the rebuilt steps after the former ones and the new steps after the rebuilt ones', async () => {
    const former = await feedRows();
    const [lastSeen] = (await escalationSteps(1)).slice(-1);
    await switchFeed();
    const rebuilt = await feedRows();
    expect(rebuilt.map((r) => r.eventId).sort()).toEqual([...former.map((r) => r.eventId), lastSeen!].sort());
    expect(Math.min(...rebuilt.map((r) => r.seq))).toBeGreaterThan(Math.max(...former.map((r) => r.seq)));

    const dropped = await replayer.dropPrevious(LIAISON_FEED_PROJECTION.name);
    expect(dropped.dropped).toHaveLength(1);
    expect(await feedTables()).toEqual(['liaison_escalations', 'liaison_feed']);

    const resumeAt = await feed.cursorOf(lastSeen!, [ENSCHEDE]);
    const written = await escalationSteps(2);
    const after = await feedRows();
    const newSeqs = after.filter((r) => written.includes(r.eventId)).map((r) => r.seq);
    expect(Math.min(...newSeqs)).toBeGreaterThan(Math.max(...rebuilt.map((r) => r.seq)));
    const resumed = await feed.after(resumeAt, [ENSCHEDE]);
    expect(resumed.map((s) => s.eventId)).toEqual(written);
    for (const step of resumed) expect(cursorAfter(step.cursor, resumeAt)).toBe(true);
  });

  it('switches and drops again and again, the feed keeping one numbering', async () => {
    for (let round = 0; round < 2; round++) {
      const before = Math.max(...(await feedRows()).map((r) => r.seq));
      await switchFeed();
      await switchFeed();
      expect((await replayer.previous(LIAISON_FEED_PROJECTION.name)).map((g) => g.complete)).toEqual([true, true]);
      expect((await replayer.dropPrevious(LIAISON_FEED_PROJECTION.name)).dropped).toHaveLength(2);
      expect(await feedTables()).toEqual(['liaison_escalations', 'liaison_feed']);
      const [written] = await escalationSteps(1);
      const seq = (await feedRows()).find((r) => r.eventId === written)!.seq;
      expect(seq).toBeGreaterThan(before);
      expect(seq).toBe(Math.max(...(await feedRows()).map((r) => r.seq)));
    }
  });
});
