import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '#contracts';
import type { BatchMessageHandler, BatchSubscribeOptions, IncomingMessage, MessageHandler, MessageTransport, OutgoingMessage, SubscribeOptions } from '#messaging';
import { DUE_OUTBOX_ROWS_SQL, EventStore, Inbox, OutboxRelay, PostgresRelayLeadership, RELAY_LEADER_LOCK, SOLE_RELAY, type Database, type SqlExecutor } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { anEvent } from './fixtures.js';

/** A transport that records what it was given and can be told to fail. */
class RecordingTransport implements MessageTransport {
  readonly kind = 'in-process' as const;
  readonly published: { topic: string; message: OutgoingMessage }[] = [];
  failWhen: (topic: string, m: OutgoingMessage) => Error | null = () => null;
  async ensureTopics(): Promise<void> {}
  async publish(topic: string, messages: OutgoingMessage[]): Promise<void> {
    for (const m of messages) {
      const error = this.failWhen(topic, m);
      if (error) throw error;
    }
    for (const message of messages) this.published.push({ topic, message });
  }
  async subscribe(_o: SubscribeOptions, _h: MessageHandler) {
    return { stop: async () => undefined };
  }
  async subscribeBatch(_o: BatchSubscribeOptions, _h: BatchMessageHandler) {
    return { stop: async () => undefined };
  }
  async healthy() {
    return true;
  }
  async redeliveryHorizon(topics: readonly string[]) {
    return new Map(topics.map((t) => [t, 0]));
  }
  async close() {}
}

/** Wraps a database so the relay's DELETE fails once: the process "dies" after publishing, before marking. */
function crashingOnceAfterPublish(db: Database): Database {
  let crashed = false;
  return {
    kind: db.kind,
    query: async (sql: string, params?: unknown[]) => {
      if (!crashed && sql.startsWith('DELETE FROM outbox')) {
        crashed = true;
        throw new Error('process killed between publish and mark');
      }
      return db.query(sql, params);
    },
    migrate: () => db.migrate(),
    close: () => db.close(),
    transaction: (work: (tx: SqlExecutor) => Promise<unknown>) => db.transaction(work),
  } as Database;
}

/** Wraps a database to count the statements and transactions run through it. */
function counting(db: Database): { db: Database; statements: string[]; transactions: () => number } {
  const statements: string[] = [];
  let transactions = 0;
  return {
    statements,
    transactions: () => transactions,
    db: {
      kind: db.kind,
      query: (sql: string, params?: unknown[]) => {
        statements.push(sql);
        return db.query(sql, params);
      },
      migrate: () => db.migrate(),
      close: () => db.close(),
      transaction: (work: (tx: SqlExecutor) => Promise<unknown>) => {
        transactions++;
        return db.transaction(work);
      },
    } as Database,
  };
}

let t: TestDatabase;
let store: EventStore;

beforeAll(async () => {
  t = await createTestDatabase();
  store = new EventStore(t.db);
});
afterAll(async () => t?.drop());
beforeEach(async () => {
  await t.db.query('DELETE FROM outbox');
  await t.db.query('DELETE FROM dead_letters');
});

const relayOptions = { deadLetterTopic: 'dlq', baseBackoffMs: 0, maxAttempts: 3, leadership: SOLE_RELAY };

describe('transactional outbox', () => {
  it('writes outbox rows in the same transaction as the events: a rolled-back append leaves neither', async () => {
    const stream = `s-${randomUUID()}`;
    await expect(
      t.db.transaction(async (tx) => {
        await store.appendIn(tx, stream, 0, [anEvent()], { topic: 'topic-a' });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect((await t.db.query('SELECT 1 FROM outbox')).rows).toHaveLength(0);
    expect(await store.streamVersion(stream)).toBe(0);
  });

  it('the relay publishes keyed by stream id, in stream order, and empties the outbox', async () => {
    const transport = new RecordingTransport();
    const relay = new OutboxRelay(t.db, transport, relayOptions);
    const stream = `s-${randomUUID()}`;
    await store.append(stream, 0, [anEvent(), anEvent()], { topic: 'topic-a' });
    await store.append(stream, 2, [anEvent()], { topic: 'topic-a' });
    expect(await relay.relayOnce()).toBe(3);
    const mine = transport.published.filter((p) => p.message.key === stream);
    expect(mine.map((p) => (JSON.parse(p.message.value as string) as EventEnvelope).streamVersion)).toEqual([1, 2, 3]);
    expect(mine.every((p) => p.topic === 'topic-a' && p.message.headers?.['event-id'])).toBe(true);
    expect((await t.db.query('SELECT 1 FROM outbox')).rows).toHaveLength(0);
  });

  it('a crash between publish and marking published yields one effect at the consumer', async () => {
    const transport = new RecordingTransport();
    const stream = `s-${randomUUID()}`;
    const [event] = await store.append(stream, 0, [anEvent()], { topic: 'topic-a' });
    await expect(new OutboxRelay(crashingOnceAfterPublish(t.db), transport, relayOptions).relayOnce()).rejects.toThrow(/killed/);
    await new OutboxRelay(t.db, transport, relayOptions).relayOnce();
    const deliveries = transport.published.filter((p) => p.message.key === stream);
    expect(deliveries).toHaveLength(2);

    await t.db.query('CREATE TABLE IF NOT EXISTS effects (event_id uuid)');
    const inbox = new Inbox(t.db, 'test-consumer');
    const results = [];
    for (const d of deliveries) {
      const eventId = d.message.headers!['event-id']!;
      results.push(await inbox.handleOnceInStatement(eventId, (param) => `INSERT INTO effects SELECT ${param(eventId)}::uuid WHERE EXISTS (SELECT 1 FROM claimed)`));
    }
    expect(results).toEqual([true, false]);
    expect((await t.db.query('SELECT * FROM effects WHERE event_id = $1', [event!.id])).rows).toHaveLength(1);
  });

  it('a message that keeps failing goes to the dead-letter table and topic after the configured attempts; others flow on', async () => {
    const transport = new RecordingTransport();
    const poison = `poison-${randomUUID()}`;
    const healthy = `s-${randomUUID()}`;
    transport.failWhen = (topic, m) => (topic === 'topic-a' && m.key === poison ? new Error('record too large') : null);
    const relay = new OutboxRelay(t.db, transport, relayOptions);
    await store.append(poison, 0, [anEvent()], { topic: 'topic-a' });
    await store.append(healthy, 0, [anEvent()], { topic: 'topic-a' });
    for (let i = 0; i < 3; i++) await relay.relayOnce();
    expect(transport.published.filter((p) => p.message.key === healthy)).toHaveLength(1);
    const dead = await t.db.query<{ topic: string; attempts: number; error_code: string }>('SELECT topic, attempts, error_code FROM dead_letters WHERE message_key = $1', [poison]);
    expect(dead.rows).toEqual([{ topic: 'topic-a', attempts: 3, error_code: 'OUTBOX.PUBLISH_FAILED' }]);
    expect(transport.published.filter((p) => p.topic === 'dlq' && p.message.key === poison)).toHaveLength(1);
    expect((await t.db.query('SELECT 1 FROM outbox')).rows).toHaveLength(0);
  });

  it('later events of a failing stream wait behind it, so per-key order holds', async () => {
    const transport = new RecordingTransport();
    const stream = `s-${randomUUID()}`;
    let failures = 2; // the batch, then the first message on its own
    transport.failWhen = (_t, m) => (m.key === stream && failures-- > 0 ? new Error('transient record error') : null);
    const relay = new OutboxRelay(t.db, transport, { ...relayOptions, baseBackoffMs: 60_000 });
    await store.append(stream, 0, [anEvent()], { topic: 'topic-a' });
    await store.append(stream, 1, [anEvent()], { topic: 'topic-a' });
    await relay.relayOnce();
    expect(transport.published.filter((p) => p.message.key === stream)).toHaveLength(0);
    await t.db.query('UPDATE outbox SET next_attempt_at = now()');
    await relay.relayOnce();
    const versions = transport.published.filter((p) => p.message.key === stream).map((p) => (JSON.parse(p.message.value as string) as EventEnvelope).streamVersion);
    expect(versions).toEqual([1, 2]);
  });

  it('a broker outage charges no attempts and dead-letters nothing', async () => {
    const transport = new RecordingTransport();
    const outage = Object.assign(new Error('connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' });
    transport.failWhen = () => outage;
    const relay = new OutboxRelay(t.db, transport, relayOptions);
    await store.append(`s-${randomUUID()}`, 0, [anEvent()], { topic: 'topic-a' });
    for (let i = 0; i < 5; i++) await relay.relayOnce();
    expect((await t.db.query('SELECT attempts FROM outbox')).rows).toEqual([{ attempts: 0 }]);
    expect((await t.db.query('SELECT 1 FROM dead_letters')).rows).toHaveLength(0);
  });

  it('the running relay delivers promptly after a nudge', async () => {
    const transport = new RecordingTransport();
    const relay = new OutboxRelay(t.db, transport, { ...relayOptions, pollIntervalMs: 60_000 });
    await relay.start();
    try {
      const stream = `s-${randomUUID()}`;
      await store.append(stream, 0, [anEvent()], { topic: 'topic-a' });
      relay.nudge();
      await waitFor(() => transport.published.some((p) => p.message.key === stream));
    } finally {
      await relay.stop();
    }
  });
});

describe('the cost of polling', () => {
  it('an idle relay polls with one statement; a round is two statements (read the due rows, delete the published ones) and no transaction', async () => {
    const c = counting(t.db);
    const transport = new RecordingTransport();
    const relay = new OutboxRelay(c.db, transport, { ...relayOptions, pollIntervalMs: 10 });
    await relay.start();
    try {
      await waitFor(() => c.statements.length >= 5);
      expect(new Set(c.statements)).toEqual(new Set(['SELECT EXISTS (SELECT 1 FROM outbox WHERE next_attempt_at <= now()) AS due']));
      const stream = `s-${randomUUID()}`;
      await store.append(stream, 0, [anEvent()], { topic: 'topic-a' });
      c.statements.length = 0;
      relay.nudge();
      await waitFor(() => transport.published.some((p) => p.message.key === stream));
      await waitFor(() => c.statements.some((sql) => sql.startsWith('DELETE FROM outbox')));
      expect(c.statements.filter((sql) => !sql.startsWith('SELECT EXISTS'))).toEqual([DUE_OUTBOX_ROWS_SQL, 'DELETE FROM outbox WHERE id = ANY($1::bigint[])']);
      expect(c.transactions()).toBe(0);
    } finally {
      await relay.stop();
    }
  });
});

describe('one relay per database leads (one app per process)', () => {
  function relayOn(db: Database, transport: MessageTransport, pollIntervalMs = 60_000, retryMs = 50): OutboxRelay {
    return new OutboxRelay(db, transport, { ...relayOptions, pollIntervalMs, leadership: new PostgresRelayLeadership({ databaseUrl: t.url!, retryMs }) });
  }

  it('of two relays on one database one leads; when it stops, the other takes over and publishes what waits', async () => {
    const first = new RecordingTransport();
    const second = new RecordingTransport();
    const a = relayOn(t.db, first, 20);
    const b = relayOn(t.db, second, 20);
    await a.start();
    await b.start();
    try {
      expect([a.leading, b.leading]).toEqual([true, false]);
      const before = `s-${randomUUID()}`;
      await store.append(before, 0, [anEvent()], { topic: 'topic-a' });
      await waitFor(() => first.published.some((p) => p.message.key === before));
      await a.stop();
      const after = `s-${randomUUID()}`;
      await store.append(after, 0, [anEvent()], { topic: 'topic-a' });
      await waitFor(() => b.leading && second.published.some((p) => p.message.key === after));
      expect(second.published.some((p) => p.message.key === before)).toBe(false);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("a relay that does not lead hands its nudge to the leader, which publishes at once (not at its next poll)", async () => {
    const leaderTransport = new RecordingTransport();
    const leader = relayOn(t.db, leaderTransport);
    const follower = relayOn(t.db, new RecordingTransport());
    await leader.start();
    await follower.start();
    try {
      expect(follower.leading).toBe(false);
      const stream = `s-${randomUUID()}`;
      await store.append(stream, 0, [anEvent()], { topic: 'topic-a' });
      follower.nudge();
      // The leader polls once a minute here: only the follower's wake-up can deliver the row in time.
      await waitFor(() => leaderTransport.published.some((p) => p.message.key === stream), 5_000);
    } finally {
      await follower.stop();
      await leader.stop();
    }
  });

  it('a relay that must not publish (OUTBOX_RELAY_ENABLED=false) never leads, even alone, but wakes the leader', async () => {
    const bystander = new OutboxRelay(t.db, new RecordingTransport(), { ...relayOptions, pollIntervalMs: 10, leadership: new PostgresRelayLeadership({ databaseUrl: t.url!, retryMs: 20, compete: false }) });
    await bystander.start();
    const leaderTransport = new RecordingTransport();
    let leader: OutboxRelay | null = null;
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(bystander.leading).toBe(false);
      leader = relayOn(t.db, leaderTransport);
      await leader.start();
      expect(leader.leading).toBe(true);
      const stream = `s-${randomUUID()}`;
      await store.append(stream, 0, [anEvent()], { topic: 'topic-a' });
      bystander.nudge();
      await waitFor(() => leaderTransport.published.some((p) => p.message.key === stream), 5_000);
    } finally {
      await leader?.stop();
      await bystander.stop();
    }
  });

  it('a relay that does not lead runs no statement of its own on the pool (no polls, no rounds)', async () => {
    const leader = relayOn(t.db, new RecordingTransport(), 10);
    const c = counting(t.db);
    const follower = relayOn(c.db, new RecordingTransport(), 10);
    await leader.start();
    await follower.start();
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(follower.leading).toBe(false);
      expect(c.statements).toEqual([]);
    } finally {
      await follower.stop();
      await leader.stop();
    }
  });

  it("a leader whose connection breaks stops leading; another relay takes over and publishes", async () => {
    const first = new RecordingTransport();
    const second = new RecordingTransport();
    // The first relay would try to lead again only after a minute: taking over is up to the second.
    const a = relayOn(t.db, first, 20, 60_000);
    await a.start();
    const b = relayOn(t.db, second, 20);
    await b.start();
    try {
      expect(a.leading).toBe(true);
      const holder = await t.db.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        [RELAY_LEADER_LOCK],
      );
      expect(holder.rows).toHaveLength(1);
      await t.db.query('SELECT pg_terminate_backend($1)', [holder.rows[0]!.pid]);
      await waitFor(() => b.leading, 5_000);
      expect(a.leading).toBe(false);
      const stream = `s-${randomUUID()}`;
      await store.append(stream, 0, [anEvent()], { topic: 'topic-a' });
      await waitFor(() => second.published.some((p) => p.message.key === stream), 5_000);
      expect(first.published.some((p) => p.message.key === stream)).toBe(false);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});

describe('stopping the relay', () => {
  it('returns promptly when stop() comes while a round is running, even with a long poll interval', async () => {
    const transport = new RecordingTransport();
    let releaseRound!: () => void;
    const roundHeld = new Promise<void>((resolve) => (releaseRound = resolve));
    let inRound!: () => void;
    const roundStarted = new Promise<void>((resolve) => (inRound = resolve));
    transport.failWhen = () => null;
    const slowTransport = Object.assign(Object.create(transport), {
      publish: async (topic: string, messages: OutgoingMessage[]) => {
        inRound();
        await roundHeld;
        return transport.publish(topic, messages);
      },
    }) as MessageTransport;
    const relay = new OutboxRelay(t.db, slowTransport, { ...relayOptions, pollIntervalMs: 60_000 });
    await store.append(`s-${randomUUID()}`, 0, [anEvent()], { topic: 'topic-a' });
    await relay.start();
    await roundStarted;
    const stopped = relay.stop();
    releaseRound();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([stopped.then(() => 'stopped'), new Promise((r) => (timer = setTimeout(() => r('still waiting'), 5_000)))]);
    clearTimeout(timer);
    expect(outcome).toBe('stopped');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 15000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
export type { IncomingMessage };
