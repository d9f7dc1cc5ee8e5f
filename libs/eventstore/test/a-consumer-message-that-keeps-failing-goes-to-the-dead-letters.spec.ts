import { deadLettering, deadLetteringBatch, isTransientHandlerError, MalformedMessageError } from '#eventstore';
import { InProcessTransport, type IncomingMessage } from '#messaging';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';

/**
 * A message a consumer's handler keeps failing on (a bug, or data it cannot handle) must not hold up its
 * partition for good: every later message of every key on that partition would wait behind it. After
 * `maxAttempts` deliveries it goes to the `dead_letters` table, once, and the partition moves on. A failure
 * that says nothing about the message (the database away, a deadlock) is never given up on.
 */

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => t?.drop());
beforeEach(async () => {
  await t.db.query('DELETE FROM dead_letters');
  await t.db.query('DELETE FROM inbox');
});

let offset = 0;
const message = (value: string, attempt: number, key = 'case-1'): IncomingMessage => ({
  topic: 'signaalroute.cases.v1',
  partition: 0,
  offset: String(offset++),
  key,
  value: Buffer.from(value),
  headers: { 'event-type': 'CaseNoteAdded' },
  attempt,
  publishedAt: Date.now(),
});
const again = (m: IncomingMessage, attempt: number): IncomingMessage => ({ ...m, attempt });
const deadLetters = async () =>
  (await t.db.query<{ origin: string; topic: string; message_key: string; message_value: string; error_code: string; error: string; attempts: number; headers: Record<string, string> }>('SELECT * FROM dead_letters ORDER BY id')).rows;

/** A handler that fails on every batch holding a message whose value is "poison", and records what it applied. */
function handlerFailingOnPoison(failure: () => Error = () => new TypeError("Cannot read properties of undefined (reading 'fields')")) {
  const applied: string[] = [];
  return {
    applied,
    handle: async (batch: IncomingMessage[]) => {
      if (batch.some((m) => m.value.toString() === 'poison')) throw failure();
      applied.push(...batch.map((m) => m.value.toString()));
    },
  };
}

const options = () => ({ db: t.db, consumer: 'tables.case-events', maxAttempts: 3 });

describe('a batch consumer', () => {
  it('passes a failure on (the batch is delivered again) while the batch has been delivered fewer than maxAttempts times', async () => {
    const h = handlerFailingOnPoison();
    const handle = deadLetteringBatch(h.handle, options());
    const batch = [message('a', 2), message('poison', 2), message('b', 2)];
    await expect(handle(batch)).rejects.toThrow(TypeError);
    expect(await deadLetters()).toEqual([]);
    expect(h.applied).toEqual([]);
  });

  it('records a message the handler finds malformed at its first delivery (no retry can mend it), and applies the others', async () => {
    const h = handlerFailingOnPoison(() => new MalformedMessageError('CaseTransitioned without to'));
    const handle = deadLetteringBatch(h.handle, options());
    const [a, poison, b] = [message('a', 1), message('poison', 1, 'case-2'), message('b', 1)];
    await handle([a, poison, b]);
    expect(h.applied).toEqual(['a', 'b']);
    expect(await deadLetters()).toEqual([
      expect.objectContaining({ message_key: 'case-2', message_value: 'poison', error_code: 'MESSAGE.MALFORMED', error: 'CaseTransitioned without to', attempts: 1 }),
    ]);
    // Delivered again (the batch's offsets were not committed yet): recorded once.
    await handle([again(a, 2), again(poison, 2), again(b, 2)]);
    expect(await deadLetters()).toHaveLength(1);
  });

  it('at maxAttempts, takes the batch one message at a time: the poison message goes to the dead letters, the others are applied', async () => {
    const h = handlerFailingOnPoison();
    const handle = deadLetteringBatch(h.handle, options());
    const [a, poison, b] = [message('a', 3), message('poison', 3, 'case-2'), message('b', 3)];
    await handle([a, poison, b]);
    expect(h.applied).toEqual(['a', 'b']);
    const letters = await deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      origin: 'consumer:tables.case-events',
      topic: 'signaalroute.cases.v1',
      message_key: 'case-2',
      message_value: 'poison',
      error_code: 'TypeError',
      error: "Cannot read properties of undefined (reading 'fields')",
      attempts: 3,
    });
    expect(letters[0]!.headers).toMatchObject({ 'event-type': 'CaseNoteAdded', 'dead-letter-origin': 'consumer:tables.case-events', 'dead-letter-partition': '0', 'dead-letter-offset': poison.offset });
  });

  it('a poison message delivered again after it was dead-lettered (a crash before the offset was committed) is recorded once', async () => {
    const h = handlerFailingOnPoison();
    const handle = deadLetteringBatch(h.handle, options());
    const poison = message('poison', 3);
    await handle([poison]);
    await handle([again(poison, 4)]);
    expect(await deadLetters()).toHaveLength(1);
  });

  it.each([
    ['a deadlock', Object.assign(new Error('deadlock detected'), { code: '40P01' })],
    ['a serialization failure', Object.assign(new Error('could not serialize access'), { code: '40001' })],
    ['the database away', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['the broker away', Object.assign(new Error('broker gone'), { name: 'KafkaJSConnectionError' })],
    ['a transport marking it transient', Object.assign(new Error('store append failed'), { transient: true })],
    ['the database queue full (503 SERVICE.OVERLOADED, Retry-After)', Object.assign(new Error('Too many requests are waiting for the database'), { code: 'SERVICE.OVERLOADED', retryAfterSeconds: 1 })],
    ['the processing log away', Object.assign(new Error('The processing log cannot be written right now'), { code: 'PROCESSING_LOG.UNAVAILABLE', retryAfterSeconds: 5 })],
    ['a stream that moved on meanwhile (decided again on redelivery)', Object.assign(new Error('stream case-1 is at version 4, expected 3'), { code: 'EVENTSTORE.VERSION_CONFLICT' })],
  ])('%s is never given up on, however often the batch was delivered', async (_what, failure) => {
    expect(isTransientHandlerError(failure)).toBe(true);
    const h = handlerFailingOnPoison(() => failure);
    const handle = deadLetteringBatch(h.handle, options());
    await expect(handle([message('a', 50), message('poison', 50)])).rejects.toBe(failure);
    expect(await deadLetters()).toEqual([]);
  });

  it('a message that joined the batch later fails alone before its own maxAttempts: the batch comes again, nothing of it is dead-lettered yet', async () => {
    const h = handlerFailingOnPoison();
    const handle = deadLetteringBatch(async (batch) => {
      if (batch.some((m) => m.value.toString() === 'late')) throw new TypeError('late is not ready yet');
      await h.handle(batch);
    }, options());
    const [poison, late] = [message('poison', 3), message('late', 1)];
    await expect(handle([poison, late])).rejects.toThrow('late is not ready yet');
    expect((await deadLetters()).map((d) => d.message_value)).toEqual(['poison']);
    // Delivered again from the poison message on: recorded no second time, and `late` is still waited for.
    await expect(handle([again(poison, 4), again(late, 2)])).rejects.toThrow('late is not ready yet');
    expect((await deadLetters()).map((d) => d.message_value)).toEqual(['poison']);
  });

  it('a message failing alone for a transient reason stops the one-at-a-time pass (what came before it stays applied)', async () => {
    let calls = 0;
    const applied: string[] = [];
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    const handle = deadLetteringBatch(async (batch) => {
      calls++;
      if (calls === 1) throw new TypeError('bad data somewhere');
      if (batch[0]!.value.toString() === 'b') throw deadlock;
      applied.push(...batch.map((m) => m.value.toString()));
    }, options());
    await expect(handle([message('a', 3), message('b', 3), message('c', 3)])).rejects.toBe(deadlock);
    expect(applied).toEqual(['a']);
    expect(await deadLetters()).toEqual([]);
  });
});

describe('a one-message consumer', () => {
  it('passes failures on below maxAttempts and dead-letters the message at maxAttempts', async () => {
    const handle = deadLettering(async () => {
      throw Object.assign(new Error('Referral outcome for an unknown case'), { code: 'CASE.NOT_FOUND' });
    }, { ...options(), consumer: 'router.referral-outcomes' });
    const m = message('{"type":"ReferralAccepted"}', 1, 'referral-9');
    await expect(handle(m)).rejects.toThrow('unknown case');
    await expect(handle(again(m, 2))).rejects.toThrow('unknown case');
    await handle(again(m, 3));
    expect(await deadLetters()).toEqual([expect.objectContaining({ origin: 'consumer:router.referral-outcomes', error_code: 'CASE.NOT_FOUND', attempts: 3, message_key: 'referral-9' })]);
  });
});

describe('through a transport', () => {
  it('the partition moves on past a message that keeps failing: every later message of the partition is delivered', async () => {
    const transport = new InProcessTransport({ redelivery: { initialBackoffMs: 5, maxBackoffMs: 20 } });
    await transport.ensureTopics([{ topic: 'signaalroute.cases.v1', partitions: 1 }]);
    const h = handlerFailingOnPoison();
    const sub = await transport.subscribeBatch({ groupId: 'g', topics: ['signaalroute.cases.v1'] }, deadLetteringBatch(h.handle, options()));
    try {
      await transport.publish('signaalroute.cases.v1', [{ key: 'case-1', value: 'a' }, { key: 'case-2', value: 'poison' }, { key: 'case-3', value: 'b' }]);
      await transport.publish('signaalroute.cases.v1', [{ key: 'case-1', value: 'c' }]);
      const deadline = Date.now() + 20_000;
      while (!h.applied.includes('c') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(h.applied).toEqual(['a', 'b', 'c']);
      expect((await deadLetters()).map((d) => d.message_value)).toEqual(['poison']);
    } finally {
      await sub.stop();
      await transport.close();
    }
  });
});

describe('whom a dead-lettered message concerns', () => {
  it('is told once its dead letter is recorded, with the error code, and again on a redelivery (the dead letter stays one)', async () => {
    const told: string[] = [];
    const handle = deadLetteringBatch(handlerFailingOnPoison().handle, { ...options(), onGivenUp: async (m, code) => void told.push(`${m.value.toString()}:${code}`) });
    const poison = message('poison', 3, 'case-2');
    await handle([poison]);
    expect(told).toEqual(['poison:TypeError']);
    await handle([again(poison, 4)]);
    expect(told).toEqual(['poison:TypeError', 'poison:TypeError']);
    expect(await deadLetters()).toHaveLength(1);
  });

  it('is not told of a message that is delivered again instead (fewer than maxAttempts deliveries)', async () => {
    const told: string[] = [];
    const handle = deadLetteringBatch(handlerFailingOnPoison().handle, { ...options(), onGivenUp: async (m) => void told.push(m.value.toString()) });
    await expect(handle([message('poison', 1)])).rejects.toThrow(TypeError);
    expect(told).toEqual([]);
  });

  it('when telling fails for the moment, the message comes again: the failure is passed on, the dead letter kept once', async () => {
    const unavailable = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const handle = deadLetteringBatch(handlerFailingOnPoison().handle, { ...options(), onGivenUp: async () => { throw unavailable; } });
    const poison = message('poison', 3);
    await expect(handle([poison])).rejects.toBe(unavailable);
    await expect(handle([again(poison, 4)])).rejects.toBe(unavailable);
    expect(await deadLetters()).toHaveLength(1);
  });

  it('when telling fails for good, it is logged and the partition moves on', async () => {
    const logged: Record<string, unknown>[] = [];
    const handle = deadLetteringBatch(handlerFailingOnPoison().handle, {
      ...options(),
      log: (fields) => void logged.push(fields),
      onGivenUp: async () => { throw new RangeError('Invalid time value'); },
    });
    await handle([message('poison', 3)]);
    expect(await deadLetters()).toHaveLength(1);
    expect(logged.map((f) => f.errorCode)).toEqual(['TypeError', 'RangeError']);
  });
});
