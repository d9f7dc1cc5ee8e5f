/**
 * Outbox relay throughput to Kafka, and commit-to-publish lag at a steady rate.
 *
 *   npm run build && node dist/bench/relay.bench.js [--events 100000] [--rate 1000] [--seconds 10]
 *
 * The lag phase appends from this process, which also runs the relay and the measuring consumer, so the appender
 * must cost what the product's writers cost: one statement per event (`appendToStreams`, the group commit's path).
 * Before the eleventh session it ran each event as a transaction of three statements (`append`), and on a slow VM
 * at 1,000 events/s that work on the same event loop, not the relay, set the lag: commit → start of publish p50
 * 364–514 ms while publish → broker acknowledgement took 34–52 ms.
 */
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { EventStore, OutboxRelay, SOLE_RELAY, TypeOrmDatabase } from '#eventstore';
import { KafkaTransport } from '#messaging';
import { freshDatabase, KAFKA_BROKERS, machine, pct } from './bench-support.js';

const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' }, rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '10' } } });
const total = Number(values.events);
const rate = Number(values.rate);
const seconds = Number(values.seconds);

const event = (i: number) => ({
  id: randomUUID(), type: 'BenchHappened', version: 1, occurredAt: new Date().toISOString(), municipality: 'GM0153',
  actor: { id: 'bench', role: 'system' as const }, correlationId: randomUUID(), processingActivity: 'bench', legalBasis: 'bench',
  payload: { i, text: 'Vermoedelijk hennepkwekerij op zolder; veel stroomverbruik en geur.' },
});

const db = await freshDatabase();
const database = await TypeOrmDatabase.open({ databaseUrl: db.url, poolSize: 10 });
await database.migrate();
const store = new EventStore(database);
const brokers = KAFKA_BROKERS.split(',');
const transport = new KafkaTransport({ brokers, clientId: 'sr-bench-relay' });
const topic = `bench.relay.${randomUUID().slice(0, 8)}`;
await transport.ensureTopics([{ topic, partitions: 6 }]);
try {
  // 1. Throughput: fill the outbox, then let the relay drain it.
  const streams = 1000;
  const perStream = Math.ceil(total / streams);
  for (let s = 0; s < streams; s += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, j) => store.append(`bench-${s + j}`, 0, Array.from({ length: perStream }, (_, i) => event(i)), { topic })));
  }
  const queued = Number((await database.query<{ n: string }>('SELECT count(*) AS n FROM outbox')).rows[0]!.n);
  const relay = new OutboxRelay(database, transport, { deadLetterTopic: `${topic}.dlq`, batchSize: 2000, leadership: SOLE_RELAY });
  const t0 = performance.now();
  while ((await relay.relayOnce()) > 0);
  const drainSeconds = (performance.now() - t0) / 1000;

  // 2. Lag: append at a steady rate with the relay running; a consumer measures commit → arrival.
  const kafka = new Kafka({ brokers, clientId: 'sr-bench-lag', logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `sr-bench-lag-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  const lags: number[] = [];
  const committedAt = new Map<string, number>();
  await consumer.run({
    eachMessage: async ({ message }) => {
      const id = message.headers?.['event-id']?.toString();
      const at = id ? committedAt.get(id) : undefined;
      if (at !== undefined) lags.push(Date.now() - at);
    },
  });
  await new Promise((r) => setTimeout(r, 3000)); // group join
  await relay.start();
  const end = Date.now() + seconds * 1000;
  let sent = 0;
  const interval = 1000 / rate;
  let next = performance.now();
  const pending: Promise<unknown>[] = [];
  while (Date.now() < end) {
    const e = event(sent);
    // One statement per event, as the product's writers append (`appendToStreams`, the group commit's path).
    pending.push(store.appendToStreams(database, [{ streamId: `lag-${sent}`, expectedVersion: 0, events: [e], options: { topic } }]).then(() => { committedAt.set(e.id, Date.now()); relay.nudge(); }));
    sent++;
    next += interval;
    const wait = next - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (pending.length > 500) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const deadline = Date.now() + 15_000;
  while (lags.length < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await relay.stop();
  await consumer.disconnect();
  lags.sort((a, b) => a - b);
  process.stdout.write(
    JSON.stringify(
      {
        benchmark: 'outbox-relay',
        machine: machine(),
        date: new Date().toISOString(),
        throughput: { messages: queued, seconds: Number(drainSeconds.toFixed(2)), messagesPerSecond: Math.round(queued / drainSeconds) },
        lag: { targetRatePerSecond: rate, sent, received: lags.length, p50ms: pct(lags, 50), p95ms: pct(lags, 95), p99ms: pct(lags, 99), maxMs: lags[lags.length - 1] },
      },
      null,
      2,
    ) + '\n',
  );
} finally {
  await transport.close();
  await database.close();
  await db.drop();
}
