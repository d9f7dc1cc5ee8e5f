import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '../../../test/support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { LiaisonFeedRepository } from '../src/liaison/liaison-feed.repository.js';
import { TABLES_MIGRATIONS } from '../src/tables.migrations.js';

/**
 * The liaison feed is read in commit order: (transaction id, seq) as numbers. Its queries hand both out as text,
 * and PostgreSQL sorts by an output column when ORDER BY names it, so ordering by the alias sorted "10" before
 * "9": a new SSE reader started behind the newest step (and was sent old steps as new), a page of the stream
 * came out of order, and an escalation's steps were listed out of order once it had ten.
 */

let t: TestDatabase;
let feed: LiaisonFeedRepository;
const ENSCHEDE = 'GM0153';
const escalationId = randomUUID();
/** (transaction id, seq) of each step, in commit order; every one crosses a digit boundary somewhere. */
const steps: [number, number][] = [
  [8, 9], [9, 10], [9, 11], [10, 12], [11, 99], [11, 100], [12, 101],
];
const eventIds = steps.map(() => randomUUID());

beforeAll(async () => {
  t = await createTestDatabase({ migrations: TABLES_MIGRATIONS });
  // Inserted newest first, so the table's physical order cannot stand in for the commit order.
  for (let i = steps.length - 1; i >= 0; i--) {
    const [transactionId, seq] = steps[i]!;
    await t.db.query(
      `INSERT INTO liaison_feed (seq, transaction_id, event_id, escalation_id, municipality, type, data, at)
       VALUES ($1, $2::xid8, $3, $4, $5, 'EscalationSent', '{}', now())`,
      [seq, String(transactionId), eventIds[i], escalationId, ENSCHEDE],
    );
  }
  feed = new LiaisonFeedRepository(t.db);
});

afterAll(async () => {
  await t?.drop();
});

describe('the liaison feed in commit order, whatever the number of digits', () => {
  it('starts a new reader right after the newest step', async () => {
    const [transactionId, seq] = steps[steps.length - 1]!;
    expect(await feed.head()).toEqual({ transactionId: String(transactionId), seq: String(seq) });
    expect(await feed.after(await feed.head(), [ENSCHEDE])).toEqual([]);
  });

  it('streams the steps after a cursor oldest first, also a page at a time', async () => {
    const all = await feed.after({ transactionId: '0', seq: '0' }, [ENSCHEDE]);
    expect(all.map((s) => s.eventId)).toEqual(eventIds);

    const paged: string[] = [];
    let cursor = { transactionId: '0', seq: '0' };
    for (let page = await feed.after(cursor, [ENSCHEDE], 2); page.length > 0; page = await feed.after(cursor, [ENSCHEDE], 2)) {
      paged.push(...page.map((s) => s.eventId));
      cursor = page[page.length - 1]!.cursor;
    }
    expect(paged).toEqual(eventIds);
  });

  it("lists an escalation's steps oldest first", async () => {
    expect((await feed.ofEscalation(escalationId)).map((s) => s.eventId)).toEqual(eventIds);
  });
});

describe('resuming from a step the stream would not show yet', () => {
  it('does not skip the steps of an older transaction that commits later', async () => {
    const insert = (client: { query: (sql: string, params: unknown[]) => Promise<unknown> }, eventId: string) =>
      client.query(
        `INSERT INTO liaison_feed (event_id, escalation_id, municipality, type, data, at) VALUES ($1, $2, $3, 'EscalationSent', '{}', now())`,
        [eventId, randomUUID(), ENSCHEDE],
      );
    const [older, newer] = [randomUUID(), randomUUID()];
    const slow = new pg.Client({ connectionString: t.url! });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await insert(slow, older); // in flight
      await insert(t.db, newer); // commits first, in a later transaction
      const cursor = await feed.cursorOf(newer, [ENSCHEDE]); // e.g. an id read on the escalation's page
      await slow.query('COMMIT');
      // The feed shows steps only below the oldest transaction in flight anywhere on the server (transaction ids are
      // the cluster's): other test files' open transactions can hold it back for a moment, never skip a step.
      const resumed = await waitFor(async () => {
        const ids = (await feed.after(cursor, [ENSCHEDE])).map((s) => s.eventId);
        return ids.includes(newer) ? ids : undefined;
      }, { what: 'the steps below the horizon' });
      expect(resumed).toContain(older);
      expect(resumed).toContain(newer);
    } finally {
      await slow.end();
    }
  });
});
