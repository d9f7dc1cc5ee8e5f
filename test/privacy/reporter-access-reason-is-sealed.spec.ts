import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { EventStore } from '#eventstore';
import { EVENT_STORE, KEYRING, type Keyring } from '#platform';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { zorgmeldingPayload } from '../../apps/intake/test/support/intake-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';

/**
 * The reason a coordinator states for reading a reporter's identity from the vault (`POST
 * /v1/signals/{id}/reporter-access` with `{ "reason": … }`, recorded as `ReporterIdentityAccessed` on the
 * signal's stream) is free text about people: coordinators may well write the reporter's or the subject's
 * name in it. It is sealed under the signal's data key like the vault entry itself: no raw table holds it, the
 * keyring opens it for whoever may read it, and erasure (of the subject the signal is linked to) destroys it
 * with the key; an erased signal's vault is not read, so no new reason is recorded. An access recorded before
 * sealing (plain text) still reads. Real PostgreSQL and Kafka.
 */

let h: AppHarness;
let keyring: Keyring;
const home = `GM${String(1000 + Math.floor(Math.random() * 8000)).padStart(4, '0')}`;
let intakeSystem: string;
let coordinator: string;
let admin: string;
let auditor: string;

const marker = () => `vault-reason-marker-${randomUUID().slice(0, 8)}`;
const person = { name: `Gevraagde Persoon ${randomUUID().slice(0, 6)}`, bsn: '111222333', birthDate: '1970-03-04', address: 'Kluislaan 1' };
const reporter = { name: `Melder ${randomUUID().slice(0, 6)}`, contact: '0612345678', relation: 'buurtbewoner' };
/** Linked to the subject that is erased later. */
const linked = { signalId: '', marker: marker() };
/** Not linked: keeps its reason after the erasure. */
const unlinked = { signalId: '', marker: marker() };
let subjectId = '';

const receive = async () => {
  const res = await h.request('POST', '/v1/signals/zorgmelding', { token: intakeSystem, body: zorgmeldingPayload(home, reporter, { subject: person }) });
  expect(res.status).toBe(201);
  const signalId: string = res.body.signalId;
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [signalId])).length > 0, { timeoutMs: 60_000, what: 'the signal in the router' }); // through Kafka and the router's consumer: a loaded CI machine took over 20 s once
  return signalId;
};
const readReporter = (signalId: string, reason: string) => h.request('POST', `/v1/signals/${signalId}/reporter-access`, { token: coordinator, body: { reason } });
const accessEvents = (signalId: string) =>
  h.query<{ payload: { signalId: string; reason: string } }>("SELECT payload FROM events WHERE stream_id = $1 AND type = 'ReporterIdentityAccessed' ORDER BY stream_version", [`signal-${signalId}`]);

/** Every row of every table of the database, as text. */
async function rawDatabaseText(): Promise<string> {
  const tables = await h.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`);
  const parts: string[] = [];
  for (const { table_name } of tables) parts.push(...(await h.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name.replace(/"/g, '""')}" t`)).map((r) => r.row));
  return parts.join('\n');
}

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS, env: { RETENTION_POLL_INTERVAL_MS: '86400000' } });
  keyring = h.running.app.get<Keyring>(KEYRING, { strict: false });
  intakeSystem = await h.token('intake-system', [home], { subject: 'connector' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-dirk' });
  admin = await h.token('admin', [home], { subject: 'admin-fg' });
  auditor = await h.token('auditor', [], { subject: 'auditor-ad' });

  const registered = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: home, ...person } });
  expect(registered.status).toBe(201);
  subjectId = registered.body.subjectId;
  linked.signalId = await receive();
  unlinked.signalId = await receive();
  expect((await h.request('POST', `/v1/signals/${linked.signalId}/subject`, { token: coordinator, body: { subjectId } })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe("the reason for reading a reporter's identity", () => {
  it('is sealed: the access is recorded, but no raw table holds the reason', async () => {
    for (const { signalId, marker: m } of [linked, unlinked]) {
      const res = await readReporter(signalId, `  Terugbellen over ${person.name} (${m})  `);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ signalId, source: 'zorgmelding', reporter });
      const events = await accessEvents(signalId);
      expect(events).toHaveLength(1);
      expect(events[0]!.payload.signalId).toBe(signalId);
      expect(events[0]!.payload.reason).toMatch(/^pd1\./);
    }
    const database = await rawDatabaseText();
    expect(database).toContain(linked.signalId);
    for (const m of [linked.marker, unlinked.marker]) expect(database).not.toContain(m);
  });

  it('is sealed under the data key of its signal and opens through the keyring, trimmed', async () => {
    const [event] = await accessEvents(linked.signalId);
    const [key] = await h.query<{ owner: string }>('SELECT owner FROM data_keys WHERE key_id = $1::uuid', [event!.payload.reason.split('.')[1]]);
    expect(key?.owner).toBe(`signal:${linked.signalId}`);
    expect(await keyring.reveal(event!.payload)).toEqual({ value: { signalId: linked.signalId, reason: `Terugbellen over ${person.name} (${linked.marker})` }, erased: false });
  });

  it("is not in the clear in the auditor's bundle of the signal's stream (sealed values stay sealed there)", async () => {
    const bundle = await h.request('GET', `/v1/audit/streams/signal-${linked.signalId}/bundle`, { token: auditor });
    expect(bundle.status).toBe(200);
    expect(bundle.text).toContain('ReporterIdentityAccessed');
    expect(bundle.text).not.toContain(linked.marker);
  });

  it('recorded before sealing (plain text) still reads', async () => {
    const legacy = await receive();
    const store = h.running.app.get<EventStore>(EVENT_STORE, { strict: false });
    const reason = `Oude inzage van voor de versleuteling ${randomUUID().slice(0, 8)}`;
    await store.append(`signal-${legacy}`, 1, [
      {
        id: randomUUID(), type: 'ReporterIdentityAccessed', version: 1, occurredAt: new Date().toISOString(), municipality: home,
        actor: { id: 'coordinator-oud', role: 'coordinator' }, correlationId: randomUUID(), traceparent: null,
        processingActivity: 'signaalontvangst', legalBasis: 'AVG art. 6(1)(e) publieke taak', payload: { signalId: legacy, reason },
      },
    ]);
    const [event] = await accessEvents(legacy);
    expect(await keyring.reveal(event!.payload)).toEqual({ value: { signalId: legacy, reason }, erased: false });
    // A new access on it is sealed as any other.
    const m = marker();
    expect((await readReporter(legacy, `Nog een keer, ${m}`)).status).toBe(200);
    const [, sealed] = await accessEvents(legacy);
    expect(sealed!.payload.reason).toMatch(/^pd1\./);
    expect((await keyring.reveal(sealed!.payload)).value.reason).toBe(`Nog een keer, ${m}`);
  });
});

describe('a destruction of the signal\'s key while the access is being recorded', () => {
  it('refuses the read once it commits (410 PRIVACY.ERASED): nothing answered, nothing recorded', async () => {
    if (!h.databaseUrl) return; // needs a second connection holding the key's row (PostgreSQL only)
    const signalId = await receive();
    const m = marker();
    const destroyer = new pg.Client({ connectionString: h.databaseUrl });
    await destroyer.connect();
    try {
      // Another process destroys the signal's key and has not committed yet: the vault still opens (plain reads
      // see the committed, live key) and the read waits on the key's row in its recording transaction.
      await destroyer.query('BEGIN');
      await destroyer.query('UPDATE data_keys SET wrapped_key = NULL, destroyed_at = now(), destruction_id = $2::uuid WHERE owner = $1', [`signal:${signalId}`, randomUUID()]);
      const pending = readReporter(signalId, `Melder bellen ${m}`);
      await waitFor(
        async () => (await h.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%FROM data_keys%FOR SHARE%'")).length > 0,
        { what: 'the read waiting on the key row' },
      );
      await destroyer.query('COMMIT');
      const res = await pending;
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 410, code: 'PRIVACY.ERASED' });
      expect(res.text).not.toContain(reporter.name);
    } finally {
      await destroyer.end();
    }
    expect(await accessEvents(signalId)).toHaveLength(0);
    expect(await rawDatabaseText()).not.toContain(m);
  });
});

describe('after erasure of the subject its signal is linked to', () => {
  it('the reason is gone: it reads as erased (null), no raw table holds it, and the other signal keeps its reason', async () => {
    const res = await h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: admin, body: { reason: 'Verzoek van betrokkene AVG art. 17' } });
    expect(res.status).toBe(200);
    expect(res.body.signalIds).toEqual([linked.signalId]);
    const [event] = await accessEvents(linked.signalId);
    expect(await keyring.reveal(event!.payload)).toEqual({ value: { signalId: linked.signalId, reason: null }, erased: true });
    expect(await rawDatabaseText()).not.toContain(linked.marker);
    const [other] = await accessEvents(unlinked.signalId);
    expect((await keyring.reveal(other!.payload)).value.reason).toContain(unlinked.marker);
  });

  it("the erased signal's reporter cannot be read (410 PRIVACY.ERASED) and no new reason is recorded", async () => {
    const before = await h.query('SELECT 1 FROM events WHERE stream_id = $1', [`signal-${linked.signalId}`]);
    const m = marker();
    const res = await readReporter(linked.signalId, `Toch nog even kijken ${m}`);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 410, code: 'PRIVACY.ERASED' });
    expect(res.text).not.toContain(reporter.name);
    expect(await h.query('SELECT 1 FROM events WHERE stream_id = $1', [`signal-${linked.signalId}`])).toHaveLength(before.length);
    expect(await rawDatabaseText()).not.toContain(m);
  });
});
