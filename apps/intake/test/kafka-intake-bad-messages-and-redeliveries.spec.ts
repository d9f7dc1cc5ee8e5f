import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS } from '#contracts';
import type { IncomingMessage } from '#messaging';
import { SUBJECT_PSEUDONYMIZER, type SubjectPseudonymizer } from '#platform';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import type { TopicWatcher } from '../../../test/support/kafka-probe.js';
import { InboundSignalConsumer } from '../src/signals/inbound-signal.consumer.js';
import { INTAKE_APP, internMeldpuntPayload, mmaPayload, tag, twoMunicipalities, zorgmeldingPayload } from './support/intake-fixtures.js';

/**
 * Signals over Kafka (`signaalroute.inbound.<source>.v1`): a bad message is dead-lettered and the partition moves
 * on, whatever is wrong with it; the dead letter of a report that names its reporter keeps nothing of its value;
 * and a redelivered message stores nothing new, also when the sender gave no key of its own. Every message writes a
 * processing-log line, as an HTTP request does.
 */

let h: AppHarness;
let watcher: TopicWatcher;
const [home] = twoMunicipalities();
const INBOUND_ZORG = TOPICS.inbound('zorgmelding');
const INBOUND_INTERN = TOPICS.inbound('intern-meldpunt');
const INBOUND_MMA = TOPICS.inbound('mma');

beforeAll(async () => {
  h = await startApp({ apps: [INTAKE_APP] });
  watcher = await h.watch([TOPICS.deadLetter]);
});

afterAll(async () => {
  await watcher?.stop();
  await h?.stop();
});

async function deadLetters(key: string) {
  return h.query<{ error_code: string; error: string; message_value: string }>('SELECT error_code, error, message_value FROM dead_letters WHERE message_key = $1 ORDER BY id', [key]);
}

/** Events of this database's intake whose unsealed indicators hold `marker`. */
const withIndicator = (marker: string) => h.query<{ id: string }>("SELECT id FROM events WHERE type = 'SignalReceived' AND payload->'indicators' ? $1", [marker]);

describe('a bad message is dead-lettered and the partition moves on', () => {
  it('keeps nothing of a zorgmelding that fails validation: no reporter, no BSN, no health data, in the table or on the topic', async () => {
    const key = `zorg-${tag()}`;
    const reporter = { name: `Melder ${tag()}`, contact: `melder-${tag()}@example.nl`, relation: 'familie' };
    const body = zorgmeldingPayload(home, reporter, { subject: { name: `Jan Zorg ${tag()}`, bsn: '123456789' } });
    await h.produce(INBOUND_ZORG, [{ key, value: JSON.stringify(body) }]);

    const [row] = await waitFor(async () => ((await deadLetters(key)).length > 0 ? deadLetters(key) : undefined), { what: 'the dead letter' });
    expect(row!.error_code).toBe('SIGNAL.BSN_INVALID');
    const [dlq] = await watcher.waitFor((m) => m.topic === TOPICS.deadLetter && m.key === key, { what: 'the dead-letter message' });
    for (const kept of [JSON.stringify(row), dlq!.value.toString('utf8'), JSON.stringify(dlq!.headers)]) {
      for (const secret of [reporter.name, reporter.contact, body.subject.name, '123456789', body.concern]) expect(kept).not.toContain(secret);
    }
    expect(JSON.parse(row!.message_value)).toEqual({ redacted: true, reason: 'SIGNAL.BSN_INVALID' });
  });

  it('keeps nothing of an MMA tip whose reporter field no check recognises (it fails as an unknown field)', async () => {
    const key = `reported-by-${tag()}`;
    const name = `Jan Tipgever ${tag()}`;
    await h.produce(INBOUND_MMA, [{ key, value: JSON.stringify({ ...mmaPayload(home), reportedBy: { name, phone: '0612345678' } }) }]);
    const [row] = await waitFor(async () => ((await deadLetters(key)).length > 0 ? deadLetters(key) : undefined), { what: 'the dead letter' });
    expect(row!.error_code).toBe('VALIDATION.FAILED');
    const [dlq] = await watcher.waitFor((m) => m.topic === TOPICS.deadLetter && m.key === key, { what: 'the dead-letter message' });
    for (const kept of [JSON.stringify(row), dlq!.value.toString('utf8')]) {
      expect(kept).not.toContain(name);
      expect(kept).not.toContain('0612345678');
    }
  });

  it('dead-letters text the database cannot store, naming the field, and takes the next message of the partition', async () => {
    const key = `nul-${tag()}`;
    const marker = `na-nul-${tag()}`;
    await h.produce(INBOUND_INTERN, [
      { key, value: JSON.stringify(internMeldpuntPayload(home, undefined, { indicators: ['a\u0000b'] })) },
      { key, value: JSON.stringify(internMeldpuntPayload(home, undefined, { indicators: [marker] })) },
    ]);
    await waitFor(async () => (await withIndicator(marker)).length === 1, { what: 'the message after the bad one' });
    const [row] = await deadLetters(key);
    expect(row!.error_code).toBe('VALIDATION.FAILED');
    expect(JSON.parse(row!.error).details.errors).toEqual([expect.objectContaining({ path: 'indicators.0', constraints: ['storableText'] })]);
  });

  it('dead-letters a report whose externalRef has nothing visible, as the HTTP route refuses it', async () => {
    const key = `blank-ref-${tag()}`;
    await h.produce(INBOUND_ZORG, [{ key, value: JSON.stringify(zorgmeldingPayload(home, undefined, { externalRef: '\u200b ' })) }]);
    const [row] = await waitFor(async () => ((await deadLetters(key)).length > 0 ? deadLetters(key) : undefined), { what: 'the dead letter' });
    expect(row!.error_code).toBe('SIGNAL.FIELD_INVALID');
    expect(JSON.parse(row!.error).details).toEqual({ field: 'externalRef', reason: 'blank' });
  });

  it('dead-letters an idempotency-key header the HTTP route would refuse', async () => {
    const key = `long-key-${tag()}`;
    await h.produce(INBOUND_MMA, [{ key, value: JSON.stringify(mmaPayload(home)), headers: { 'idempotency-key': 'k'.repeat(5000) } }]);
    const [row] = await waitFor(async () => ((await deadLetters(key)).length > 0 ? deadLetters(key) : undefined), { what: 'the dead letter' });
    expect(row!.error_code).toBe('VALIDATION.IDEMPOTENCY_KEY_INVALID');
  });

  it('dead-letters an idempotency-key header given twice, repeated or in two spellings, as the HTTP route refuses a repeated header', async () => {
    const repeated = `repeated-key-${tag()}`;
    const spelled = `two-spellings-${tag()}`;
    await h.produce(INBOUND_MMA, [
      { key: repeated, value: JSON.stringify(mmaPayload(home)), headers: { 'idempotency-key': ['sleutel-1', 'sleutel-2'] } },
      { key: spelled, value: JSON.stringify(mmaPayload(home)), headers: { 'idempotency-key': 'sleutel-1', 'Idempotency-Key': 'sleutel-1' } },
    ]);
    for (const key of [repeated, spelled]) {
      const [row] = await waitFor(async () => ((await deadLetters(key)).length > 0 ? deadLetters(key) : undefined), { what: `the dead letter of ${key}` });
      expect(row!.error_code).toBe('VALIDATION.IDEMPOTENCY_KEY_INVALID');
    }
  });

  it('reads the idempotency-key header whatever the case of its name, as HTTP does: a report resent under `Idempotency-Key` is one signal', async () => {
    const marker = `resent-${tag()}`;
    const traces = ['a1', 'b2'].map((t) => t.repeat(16));
    const value = JSON.stringify(internMeldpuntPayload(home, undefined, { indicators: [marker] }));
    await h.produce(INBOUND_INTERN, traces.map((traceId) => ({ key: `resent-${marker}`, value, headers: { 'Idempotency-Key': `melding-${marker}`, traceparent: `00-${traceId}-${'01'.repeat(8)}-01` } })));
    await waitFor(async () => (await h.query('SELECT 1 FROM processing_log WHERE trace_id = ANY($1)', [traces])).length === 2, { what: 'both deliveries handled' });
    expect(await withIndicator(marker)).toHaveLength(1);
  });

  it('writes a processing-log line for a refused message too, without a subject', async () => {
    const traceId = 'ef'.repeat(16);
    const key = `refused-${tag()}`;
    await h.produce(INBOUND_MMA, [{ key, value: '{"kapot": ', headers: { traceparent: `00-${traceId}-${'01'.repeat(8)}-01` } }]);
    await waitFor(async () => (await deadLetters(key)).length > 0, { what: 'the dead letter' });
    expect(await h.query('SELECT operation, status_code, outcome, data_subject_ref FROM processing_log WHERE trace_id = $1', [traceId])).toEqual([
      { operation: `CONSUME ${INBOUND_MMA}`, status_code: 400, outcome: 'error', data_subject_ref: null },
    ]);
  });
});

describe('a redelivered message stores nothing new', () => {
  it('gives one signal for a message delivered twice without externalRef or idempotency-key', async () => {
    const consumer = h.running.app.get(InboundSignalConsumer, { strict: false });
    const marker = `twice-${tag()}`;
    const message: IncomingMessage = {
      topic: INBOUND_INTERN, partition: 0, offset: String(Date.now()), key: null, headers: {}, attempt: 1, publishedAt: Date.now(),
      value: Buffer.from(JSON.stringify(internMeldpuntPayload(home, undefined, { indicators: [marker] }))),
    };
    const traceId = 'ab'.repeat(16);
    const traced = { ...message, headers: { traceparent: `00-${traceId}-${'cd'.repeat(8)}-01` } };
    await consumer.handle(traced);
    await consumer.handle({ ...traced, attempt: 2 });
    expect(await withIndicator(marker)).toHaveLength(1);

    // The same content in another message is another signal.
    await consumer.handle({ ...traced, offset: String(Number(message.offset) + 1) });
    const signals = await h.query<{ id: string }>("SELECT payload->>'signalId' AS id FROM events WHERE type = 'SignalReceived' AND payload->'indicators' ? $1 ORDER BY events.position", [marker]);
    expect(signals).toHaveLength(2);

    // Each delivery is processing of personal data: one line each, under the sender's trace, the signal as subject.
    const pseudonymizer = h.running.app.get<symbol, SubjectPseudonymizer>(SUBJECT_PSEUDONYMIZER, { strict: false });
    const lines = await h.query<{ operation: string; data_subject_ref: string; actor_id: string; status_code: number; parent_span_id: string }>(
      'SELECT operation, data_subject_ref, actor_id, status_code, parent_span_id FROM processing_log WHERE trace_id = $1 ORDER BY processing_log.id',
      [traceId],
    );
    expect(lines).toEqual([signals[0], signals[0], signals[1]].map((s) => ({
      operation: `CONSUME ${INBOUND_INTERN}`, data_subject_ref: pseudonymizer.ref(s!.id), actor_id: `kafka:${INBOUND_INTERN}`, status_code: 201, parent_span_id: 'cd'.repeat(8),
    })));
  });

  it('gives one dead letter for a bad message delivered twice (its line in the processing log each time)', async () => {
    const consumer = h.running.app.get(InboundSignalConsumer, { strict: false });
    const key = `bad-twice-${tag()}`;
    const traceId = '9a'.repeat(16);
    const message: IncomingMessage = {
      topic: INBOUND_MMA, partition: 0, offset: String(Date.now()), key, attempt: 1, publishedAt: Date.now(),
      headers: { traceparent: `00-${traceId}-${'cd'.repeat(8)}-01` }, value: Buffer.from('{"kapot": '),
    };
    await consumer.handle(message);
    await consumer.handle({ ...message, attempt: 2 });
    // The dead letter's message for the topic is written with its row: one row, one message.
    expect(await deadLetters(key)).toHaveLength(1);
    expect(await h.query('SELECT status_code FROM processing_log WHERE trace_id = $1', [traceId])).toEqual([{ status_code: 400 }, { status_code: 400 }]);

    // Another message with the same content is another dead letter.
    await consumer.handle({ ...message, offset: String(Number(message.offset) + 1) });
    expect(await deadLetters(key)).toHaveLength(2);
  });
});
