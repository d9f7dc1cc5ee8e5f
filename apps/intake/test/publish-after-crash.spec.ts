import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { TOPICS } from '#contracts';
import { TypeOrmDatabase, type OutboxRelay } from '#eventstore';
import { OUTBOX_RELAY } from '#platform';
import { httpRequest, resolveInfra, startApp, testClientId, tokenIssuer, TOPIC_PARTITIONS, waitFor } from '../../../test/support/app-harness.js';
import { createPostgresDatabase, dropPostgresDatabase, kafkaBrokers } from '../../../test/support/infra.js';
import { committedOffset, startGroupsAtEnd, topicEnds, watchKafkaTopics, type TopicWatcher, type WatchedMessage } from '../../../test/support/kafka-probe.js';
import { buildProduct, startProductProcess, type ProductBuild, type ProductProcess } from '../../../test/support/product-process.js';
import { INTAKE_MIGRATIONS } from '../src/intake.migrations.js';
import { TRIAGE_QUEUE_CONSUMER } from '../src/triage-queue/triage-queue.projection.js';
import { INTAKE_APP, intakeConsumerGroups, internMeldpuntPayload, testMunicipality } from './support/intake-fixtures.js';

/**
 * "Kill the app process between commit and publish; after a restart the signal is published exactly once
 * in effect." With real processes: process A runs with OUTBOX_RELAY_ENABLED=false, so a signal it accepts
 * (201 = event and outbox row committed) is certainly not published yet when A is SIGKILLed. Process B then
 * starts on the same database and consumer groups, publishes from the outbox, and its triage queue shows the
 * signal once.
 *
 * The other crash point (published, but the outbox row not yet deleted) is covered deterministically in
 * libs/eventstore/test/outbox-relay.spec.ts (relay + inbox); the last test here replays that situation on
 * the real broker and projection.
 */

const infra = await resolveInfra();
const onKafka = infra.kafka;
const municipality = testMunicipality();
const clientId = testClientId();
let build: ProductBuild;
let dataDir: string;
let databaseUrl: string | null = null;
let env: Record<string, string>;
let processB: ProductProcess | null = null;
let watcher: TopicWatcher | null = null;
let tokens: ReturnType<typeof tokenIssuer>;

/** Runs `work` against the product's database: PostgreSQL at any time; PGlite only while no product process holds it. */
async function withDb<T>(work: (query: <R>(sql: string, params?: unknown[]) => Promise<R[]>) => Promise<T>): Promise<T> {
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return await work(async (sql, params) => (await client.query(sql, params)).rows);
    } finally {
      await client.end();
    }
  }
  const db = await TypeOrmDatabase.open({ dataDir: path.join(dataDir, 'pgdata'), migrations: INTAKE_MIGRATIONS });
  try {
    return await work(async (sql, params) => (await db.query(sql, params)).rows as never);
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  build = await buildProduct();
  dataDir = await mkdtemp(path.join(tmpdir(), 'sr-crash-'));
  databaseUrl = infra.postgres ? await createPostgresDatabase() : null;
  env = {
    SIGNAALROUTE_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    TOPIC_PARTITIONS: String(TOPIC_PARTITIONS),
    KAFKA_CLIENT_ID: clientId,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(onKafka ? { KAFKA_BROKERS: kafkaBrokers.join(',') } : {}),
  };
  if (onKafka) await startGroupsAtEnd(kafkaBrokers, intakeConsumerGroups(clientId), TOPIC_PARTITIONS);
  tokens = tokenIssuer(dataDir); // creates the key pair both processes will use
  await tokens.token('coordinator', [municipality]);
}, 180_000); // compiles the product (tsc over the whole repository), which takes over a minute when the full suite loads both cores

afterAll(async () => {
  await watcher?.stop();
  await processB?.kill('SIGTERM');
  if (databaseUrl) await dropPostgresDatabase(databaseUrl);
  await rm(dataDir, { recursive: true, force: true });
  await build?.remove();
});

describe('OUTBOX_RELAY_ENABLED', () => {
  it('=false starts a process whose outbox relay never publishes (what pins the kill point below, independent of timing)', async () => {
    const h = await startApp({ apps: [INTAKE_APP], env: { OUTBOX_RELAY_ENABLED: 'false' } });
    try {
      expect(h.running.config.OUTBOX_RELAY_ENABLED).toBe(false);
      const relay = h.running.app.get<unknown, OutboxRelay | null>(OUTBOX_RELAY, { strict: false });
      if (infra.postgres) {
        // On PostgreSQL it never stands for leader, but wakes the one that leads (see outbox-relay.spec.ts).
        await new Promise((r) => setTimeout(r, 300));
        expect(relay?.leading).toBe(false);
      } else {
        expect(relay).toBeNull();
      }
    } finally {
      await h.stop();
    }
  });
});

describe('a process killed between commit and publish', () => {
  let signalId: string;
  let eventId: string;
  /** The outbox row A left behind, as stored. */
  let outboxRow: { event_id: string; topic: string; message_key: string; message_value: string | null; headers: unknown };

  it('has committed the event and its outbox row when it answered 201, and dies without publishing', async () => {
    const a = await startProductProcess(build.entry('apps/intake/src/main'), { ...env, OUTBOX_RELAY_ENABLED: 'false' });
    try {
      const token = await tokens.token('intake-system', [municipality]);
      const res = await httpRequest(a.url, 'POST', '/v1/signals/intern-meldpunt', { token, body: internMeldpuntPayload(municipality) });
      expect(res.status).toBe(201);
      signalId = res.body.signalId;
    } finally {
      const exit = await a.kill('SIGKILL');
      expect(exit.signal).toBe('SIGKILL');
    }
    await withDb(async (query) => {
      const events = await query<{ id: string }>('SELECT id FROM events WHERE stream_id = $1', [`signal-${signalId}`]);
      expect(events).toHaveLength(1);
      eventId = events[0]!.id;
      // Still in the outbox: nobody published it (a relay deletes the row once the broker acknowledged it).
      const rows = await query<typeof outboxRow>('SELECT event_id, topic, message_key, message_value, headers FROM outbox WHERE event_id = $1', [eventId]);
      expect(rows).toHaveLength(1);
      outboxRow = rows[0]!;
      expect(outboxRow).toMatchObject({ topic: TOPICS.signals, message_key: `signal-${signalId}` });
      expect(await query('SELECT 1 FROM inbox WHERE message_id = $1', [eventId])).toHaveLength(0);
      expect(await query('SELECT 1 FROM triage_queue WHERE signal_id = $1', [signalId])).toHaveLength(0);
    });
  });

  it('is published by the restarted process, and the triage queue shows the signal exactly once', async () => {
    expect(eventId).toBeDefined();
    if (onKafka) watcher = await watchKafkaTopics(kafkaBrokers, [TOPICS.signals], `${clientId}.probe`);
    processB = await startProductProcess(build.entry('apps/intake/src/main'), env);
    const coordinator = await tokens.token('coordinator', [municipality]);

    const detail = await waitFor(async () => {
      const res = await httpRequest(processB!.url, 'GET', `/v1/signals/${signalId}`, { token: coordinator });
      return res.status === 200 ? res : undefined;
    }, { timeoutMs: 40_000, what: 'the signal in the restarted triage queue' });
    expect(detail.body).toMatchObject({ signalId, municipality, source: 'intern-meldpunt', status: 'nieuw' });
    const listed = await httpRequest(processB.url, 'GET', `/v1/signals?municipality=${municipality}`, { token: coordinator });
    expect(listed.body.items.filter((i: { signalId: string }) => i.signalId === signalId)).toHaveLength(1);

    if (!onKafka) {
      await processB.kill('SIGTERM'); // PGlite: the database can be read once the process is gone
      processB = null;
    }
    await waitFor(
      () => withDb(async (query) => (await query('SELECT 1 FROM outbox WHERE event_id = $1', [eventId])).length === 0),
      { what: 'the outbox row to be published and deleted' },
    );
    await withDb(async (query) => {
      expect(await query('SELECT 1 FROM events WHERE stream_id = $1', [`signal-${signalId}`])).toHaveLength(1);
      expect(await query('SELECT consumer FROM inbox WHERE message_id = $1', [eventId])).toEqual([{ consumer: TRIAGE_QUEUE_CONSUMER }]);
      expect(await query("SELECT 1 FROM dead_letters WHERE origin = 'outbox-relay'")).toHaveLength(0);
    });

    if (onKafka) {
      // Exactly one copy on the topic: read up to the partition's end (the outbox is empty, so no more can come).
      const [copy] = await watcher!.waitFor((m) => m.key === `signal-${signalId}`, { what: 'the signal on Kafka' });
      await readToEnd(watcher!, copy!);
      const copies = watcher!.matching((m) => m.key === `signal-${signalId}`);
      expect(copies).toHaveLength(1);
      expect(JSON.parse(copies[0]!.value.toString('utf8'))).toMatchObject({ id: eventId, streamId: `signal-${signalId}` });
    }
  });

  (onKafka ? it : it.skip)('shrugs off a second publication (crash after publish, before the outbox row was deleted)', async () => {
    const [published] = watcher!.matching((m) => m.key === `signal-${signalId}`);
    expect(published).toBeDefined();
    const before = await withDb((query) => query<{ processed_at: Date }>('SELECT processed_at FROM inbox WHERE message_id = $1', [eventId]));
    const triageBefore = await withDb((query) => query('SELECT * FROM triage_queue WHERE signal_id = $1', [signalId]));
    // The state a relay leaves when it dies after the broker acknowledged but before its DELETE committed:
    // the same outbox row as before the publication.
    await withDb((query) =>
      query('INSERT INTO outbox (event_id, topic, message_key, message_value, headers) VALUES ($1, $2, $3, $4, $5)', [
        outboxRow.event_id, outboxRow.topic, outboxRow.message_key, outboxRow.message_value, JSON.stringify(outboxRow.headers),
      ]),
    );
    const copies = await watcher!.waitFor((m) => m.key === `signal-${signalId}`, { count: 2, what: 'the second copy on Kafka' });
    const second = copies[1]!;
    expect(second.value.equals(published!.value)).toBe(true);
    // Wait until the projection's group has consumed past the second copy, so its effect (if any) is visible.
    await waitFor(async () => {
      const committed = await committedOffset(kafkaBrokers, `${clientId}.${TRIAGE_QUEUE_CONSUMER}`, TOPICS.signals, second.partition);
      return committed !== null && committed > BigInt(second.offset);
    }, { what: 'the triage projection to consume the second copy' });
    await withDb(async (query) => {
      expect(await query('SELECT processed_at FROM inbox WHERE message_id = $1', [eventId])).toEqual(before);
      expect(await query('SELECT * FROM triage_queue WHERE signal_id = $1', [signalId])).toEqual(triageBefore);
      expect(await query('SELECT 1 FROM outbox WHERE event_id = $1', [eventId])).toHaveLength(0);
      expect(await query("SELECT 1 FROM dead_letters WHERE origin = 'outbox-relay'")).toHaveLength(0);
    });
  });
});

/** Waits until the watcher has seen everything up to the current end of `message`'s partition. */
async function readToEnd(w: TopicWatcher, message: WatchedMessage): Promise<void> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ clientId: 'sr-test-end', brokers: kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  let end: bigint;
  try {
    const offsets = await topicEnds(admin, message.topic);
    end = BigInt(offsets.find((o) => o.partition === message.partition)!.high);
  } finally {
    await admin.disconnect();
  }
  await waitFor(() => w.messages.some((m) => m.topic === message.topic && m.partition === message.partition && BigInt(m.offset) >= end - 1n), {
    what: `the watcher to reach offset ${end - 1n} of ${message.topic}/${message.partition}`,
  });
}
