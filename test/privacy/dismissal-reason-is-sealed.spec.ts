import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS } from '#contracts';
import { EventStore } from '#eventstore';
import { EVENT_STORE, KEYRING, type Keyring } from '#platform';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { zorgmeldingPayload } from '../../apps/intake/test/support/intake-fixtures.js';
import { movableClock } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';
import type { TopicWatcher } from '../support/kafka-probe.js';

/**
 * The reason a coordinator gives for dismissing a signal is free text about people (for a zorgmelding, health
 * context). It is sealed under the signal's data key like the signal's own personal fields: no raw row of the
 * event store or outbox and no raw Kafka message on the signals topic holds it, the keyring opens it for whoever
 * may read it, and erasure (of the subject the signal is linked to) or retention (of the dismissed signal)
 * destroys it with the key. A dismissal stored before sealing (plain text) still reads. Real PostgreSQL and Kafka.
 */

let h: AppHarness;
let watcher: TopicWatcher;
let keyring: Keyring;
const clock = movableClock();
const home = `GM${String(1000 + Math.floor(Math.random() * 8000)).padStart(4, '0')}`;
let intakeSystem: string;
let coordinator: string;
let admin: string;
let auditor: string;

const marker = () => `dismissal-marker-${randomUUID().slice(0, 8)}`;
const person = { name: `Afgewezen Persoon ${randomUUID().slice(0, 6)}`, bsn: '111222333', birthDate: '1970-03-04', address: 'Afwijslaan 1' };
/** Dismissed, then erased with its subject. */
const erased = { signalId: '', marker: marker() };
/** Linked to the same subject, never dismissed: after the erasure it cannot be given a reason. */
let linkedOnly = '';
/** Dismissed, then destroyed by retention a year later. */
const retained = { signalId: '', marker: marker() };
let subjectId = '';

const receive = async () => {
  const res = await h.request('POST', '/v1/signals/zorgmelding', { token: intakeSystem, body: zorgmeldingPayload(home, undefined, { subject: person }) });
  expect(res.status).toBe(201);
  const signalId: string = res.body.signalId;
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [signalId])).length > 0, { timeoutMs: 60_000, what: 'the signal in the router' }); // through Kafka and the router's consumer: a loaded CI machine took over 20 s once
  return signalId;
};
const dismiss = (signalId: string, reason: string) => h.request('POST', `/v1/signals/${signalId}/dismissal`, { token: coordinator, body: { reason } });
const dismissedEvent = async (signalId: string) => {
  const rows = await h.query<{ payload: { signalId: string; reason: string } }>("SELECT payload FROM events WHERE stream_id = $1 AND type = 'SignalDismissed'", [`signal-${signalId}`]);
  expect(rows).toHaveLength(1);
  return rows[0]!.payload;
};
/** Every text column of the tables that hold events, the outbox, read models and dead letters, as one string. */
async function rawDatabaseText(): Promise<string> {
  const parts: string[] = [];
  for (const table of ['events', 'outbox', 'dead_letters', 'triage_queue', 'router_signals']) {
    parts.push(...(await h.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t`)).map((r) => r.row));
  }
  return parts.join('\n');
}
const kafkaText = () => watcher.messages.map((m) => `${m.key ?? ''}${m.value.toString('utf8')}${JSON.stringify(m.headers)}`).join('\n');

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS, clock: clock.now, env: { RETENTION_POLL_INTERVAL_MS: '86400000' } });
  watcher = await h.watch([TOPICS.signals]);
  keyring = h.running.app.get<Keyring>(KEYRING, { strict: false });
  intakeSystem = await h.token('intake-system', [home], { subject: 'connector' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-dirk' });
  admin = await h.token('admin', [home], { subject: 'admin-fg' });
  auditor = await h.token('auditor', [], { subject: 'auditor-ad' });

  const registered = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: home, ...person } });
  expect(registered.status).toBe(201);
  subjectId = registered.body.subjectId;
  erased.signalId = await receive();
  linkedOnly = await receive();
  retained.signalId = await receive();
  for (const signalId of [erased.signalId, linkedOnly]) {
    expect((await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId } })).status).toBe(200);
  }
}, 120_000);

afterAll(async () => {
  await watcher?.stop();
  await h?.stop();
});

describe('a dismissal reason', () => {
  it('is sealed: no raw row of events or outbox and no raw Kafka message on the signals topic holds it', async () => {
    for (const { signalId, marker: m } of [erased, retained]) {
      const res = await dismiss(signalId, `  Zorgen bleken ongegrond; huisarts betrokken (${m})  `);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ signalId, status: 'afgewezen', changed: true });
      const payload = await dismissedEvent(signalId);
      expect(payload.signalId).toBe(signalId);
      expect(payload.reason).toMatch(/^pd1\./);
    }
    // Caught before the relay publishes it, the outbox row holds the same envelope as the message on Kafka.
    await waitFor(() => watcher.messages.some((m) => m.value.toString('utf8').includes('SignalDismissed') && m.value.toString('utf8').includes(retained.signalId)), { what: 'the dismissal on Kafka' });
    const database = await rawDatabaseText();
    const kafka = kafkaText();
    expect(database).toContain(erased.signalId);
    expect(kafka).toContain(erased.signalId);
    for (const m of [erased.marker, retained.marker]) {
      expect(database).not.toContain(m);
      expect(kafka).not.toContain(m);
    }
  });

  it('is sealed under the data key of its signal and opens through the keyring, trimmed', async () => {
    const payload = await dismissedEvent(erased.signalId);
    const [key] = await h.query<{ owner: string }>('SELECT owner FROM data_keys WHERE key_id = $1::uuid', [payload.reason.split('.')[1]]);
    expect(key?.owner).toBe(`signal:${erased.signalId}`);
    expect(await keyring.reveal(payload)).toEqual({ value: { signalId: erased.signalId, reason: `Zorgen bleken ongegrond; huisarts betrokken (${erased.marker})` }, erased: false });
  });

  it('is never shown in the clear where the signal is shown: the triage queue and the audit bundle of its stream', async () => {
    await waitFor(async () => (await h.request('GET', `/v1/signals/${erased.signalId}`, { token: coordinator })).body?.status === 'afgewezen', { what: 'afgewezen in the triage queue' });
    const signal = await h.request('GET', `/v1/signals/${erased.signalId}`, { token: coordinator });
    expect(signal.body).toMatchObject({ signalId: erased.signalId, status: 'afgewezen', personalDataErased: false });
    const bundle = await h.request('GET', `/v1/audit/streams/signal-${erased.signalId}/bundle`, { token: auditor });
    expect(bundle.status).toBe(200);
    expect(bundle.text).toContain('SignalDismissed');
    for (const text of [signal.text, bundle.text]) expect(text).not.toContain(erased.marker);
  });

  it('stored before sealing (plain text) still reads, and the signal counts as dismissed', async () => {
    const legacy = await receive();
    const store = h.running.app.get<EventStore>(EVENT_STORE, { strict: false });
    const reason = `Oude afwijzing van voor de versleuteling ${randomUUID().slice(0, 8)}`;
    await store.append(`signal-${legacy}`, 1, [
      {
        id: randomUUID(), type: 'SignalDismissed', version: 1, occurredAt: clock.now().toISOString(), municipality: home,
        actor: { id: 'coordinator-oud', role: 'coordinator' }, correlationId: randomUUID(), traceparent: null,
        processingActivity: 'signaaltriage', legalBasis: 'Wmo 2015 / Wvggz', specialCategory: true, payload: { signalId: legacy, reason },
      },
    ], { topic: TOPICS.signals });
    expect(await keyring.reveal(await dismissedEvent(legacy))).toEqual({ value: { signalId: legacy, reason }, erased: false });
    const again = await dismiss(legacy, 'Nogmaals afwijzen');
    expect({ status: again.status, code: again.body.code }).toEqual({ status: 409, code: 'SIGNAL.ALREADY_DISMISSED' });
  });
});

describe('a signal from before field encryption (no data key)', () => {
  it('gets its key with the dismissal: the reason is sealed under a new key of the signal, inserted with the event', async () => {
    const signalId = await receive();
    await h.query('DELETE FROM data_keys WHERE owner = $1', [`signal:${signalId}`]);
    const m = marker();
    const res = await dismiss(signalId, `Geen zorgen, ${m}`);
    expect(res.status).toBe(200);
    const payload = await dismissedEvent(signalId);
    const keys = await h.query<{ key_id: string }>('SELECT key_id::text FROM data_keys WHERE owner = $1 AND wrapped_key IS NOT NULL', [`signal:${signalId}`]);
    expect(keys.map((k) => k.key_id)).toEqual([payload.reason.split('.')[1]]);
    expect((await keyring.reveal(payload)).value.reason).toBe(`Geen zorgen, ${m}`);
    expect(await rawDatabaseText()).not.toContain(m);
  });
});

describe('after erasure of the subject its signal is linked to', () => {
  it('the reason is gone: it reads as erased (null) and nothing can open it', async () => {
    const res = await h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: admin, body: { reason: 'Verzoek van betrokkene AVG art. 17' } });
    expect(res.status).toBe(200);
    expect(res.body.signalIds.sort()).toEqual([erased.signalId, linkedOnly].sort());
    expect(await keyring.reveal(await dismissedEvent(erased.signalId))).toEqual({ value: { signalId: erased.signalId, reason: null }, erased: true });
    expect(await rawDatabaseText()).not.toContain(erased.marker);
    const bundle = await h.request('GET', `/v1/audit/streams/signal-${erased.signalId}/bundle`, { token: auditor });
    expect(bundle.text).not.toContain(erased.marker);
    // The signal it was not linked to keeps its reason.
    expect((await keyring.reveal(await dismissedEvent(retained.signalId))).value.reason).toContain(retained.marker);
  });

  it('an erased signal is given no new reason (410 PRIVACY.ERASED) and its stream is unchanged', async () => {
    const before = await h.query('SELECT 1 FROM events WHERE stream_id = $1', [`signal-${linkedOnly}`]);
    const res = await dismiss(linkedOnly, 'Persoon verhuisd, geen zorgen meer');
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 410, code: 'PRIVACY.ERASED' });
    expect(await h.query('SELECT 1 FROM events WHERE stream_id = $1', [`signal-${linkedOnly}`])).toHaveLength(before.length);
    // A refusal for bad input still comes first (5 characters for the request, 3 once trimmed).
    const short = await dismiss(linkedOnly, ' abc ');
    expect(short.body.code).toBe('SIGNAL.DISMISSAL_REASON_INVALID');
    expect(await h.query('SELECT 1 FROM events WHERE stream_id = $1', [`signal-${linkedOnly}`])).toHaveLength(before.length);
  });
});

describe('a key destroyed by another process', () => {
  it('after this process kept it for sealing still refuses the dismissal (checked on the key row in the transaction)', async () => {
    const signalId = await receive();
    // A refused dismissal has this process load (and keep) the signal's key for sealing.
    expect((await dismiss(signalId, ' abc ')).body.code).toBe('SIGNAL.DISMISSAL_REASON_INVALID');
    // Another process destroys it (not through this process's keyring, which would forget the key it keeps).
    await h.query("UPDATE data_keys SET wrapped_key = NULL, destroyed_at = now(), destruction_id = $2::uuid WHERE owner = $1", [`signal:${signalId}`, randomUUID()]);
    const res = await dismiss(signalId, `Dubbele melding ${marker()}`);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 410, code: 'PRIVACY.ERASED' });
    expect(await h.query("SELECT 1 FROM events WHERE stream_id = $1 AND type = 'SignalDismissed'", [`signal-${signalId}`])).toHaveLength(0);
  });
});

describe('after retention of the dismissed signal', () => {
  it('the reason is gone with the signal', async () => {
    clock.advance(400 * 86_400_000);
    const run = await h.request('POST', '/v1/retention/runs', { token: admin });
    expect(run.status).toBe(201);
    expect(run.body.shredded.map((s: { signalId?: string }) => s.signalId)).toContain(retained.signalId);
    expect(await keyring.reveal(await dismissedEvent(retained.signalId))).toEqual({ value: { signalId: retained.signalId, reason: null }, erased: true });
    expect(await rawDatabaseText()).not.toContain(retained.marker);
  });
});
