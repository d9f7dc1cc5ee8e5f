import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pruneExpiredRequestKeys, REQUEST_KEY_PRUNER, requestKeyTable, type RequestKeyPruner } from '#platform';
import { INTAKE_REQUEST_KEYS } from '../../apps/intake/src/signals/receive-signal.handler.js';
import { movableClock, mmaPayload, PRODUCT_APPS, testMunicipality, zorgmeldingPayload } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';

const HOUR = 3_600_000;
/** The window this process is configured with (`IDEMPOTENCY_KEY_RETENTION_HOURS`). */
const WINDOW_HOURS = 48;

/**
 * A caller's `Idempotency-Key` means "the same request" only for a retry window: for `IDEMPOTENCY_KEY_RETENTION_HOURS`
 * after it was recorded a request sent again with it changes nothing; after that it is a new request, checked in the
 * lookup itself, so it holds whether the pruner has run or not. The pruner then deletes the expired keys of the
 * intake's and the router's key tables, so they do not grow with every keyed request ever made. Real PostgreSQL and
 * Kafka; the process's clock is moved, nothing sleeps.
 */

let h: AppHarness;
const clock = movableClock();
const home = testMunicipality();
let intakeSystem: string;
let coordinator: string;
let admin: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS, env: { IDEMPOTENCY_KEY_RETENTION_HOURS: String(WINDOW_HOURS) }, clock: clock.now });
  intakeSystem = await h.token('intake-system', [home], { subject: 'connector-key-expiry' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-key-expiry' });
  admin = await h.token('admin', [home], { subject: 'admin-key-expiry' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const keyed = (key: string) => ({ 'idempotency-key': key });
const replayed = (res: { headers: Headers }) => res.headers.get('idempotent-replayed') === 'true';
const sendSignal = (source: 'zorgmelding' | 'mma', body: unknown, key: string) => h.request('POST', `/v1/signals/${source}`, { token: intakeSystem, body, headers: keyed(key) });
const signalsReceived = async (signalIds: string[]) => (await h.query("SELECT 1 FROM events WHERE type = 'SignalReceived' AND stream_id = ANY($1::text[])", [signalIds.map((id) => `signal-${id}`)])).length;

describe('an Idempotency-Key is honoured for IDEMPOTENCY_KEY_RETENTION_HOURS', () => {
  it('a signal sent again with its key inside the window is the same signal; after the window it is a new signal, whose key is honoured in turn', async () => {
    const body = zorgmeldingPayload(home);
    const key = `signal-${randomUUID()}`;
    const first = await sendSignal('zorgmelding', body, key);
    expect({ status: first.status, replayed: replayed(first) }).toEqual({ status: 201, replayed: false });

    clock.advance((WINDOW_HOURS - 1) * HOUR);
    const inside = await sendSignal('zorgmelding', body, key);
    expect({ status: inside.status, signalId: inside.body.signalId, replayed: replayed(inside) }).toEqual({ status: 201, signalId: first.body.signalId, replayed: true });

    clock.advance(2 * HOUR);
    const after = await sendSignal('zorgmelding', body, key);
    expect({ status: after.status, replayed: replayed(after) }).toEqual({ status: 201, replayed: false });
    expect(after.body.signalId).not.toBe(first.body.signalId);
    expect(await signalsReceived([first.body.signalId, after.body.signalId])).toBe(2);

    // The key now names the new signal, recorded on the process's clock.
    const again = await sendSignal('zorgmelding', body, key);
    expect({ signalId: again.body.signalId, replayed: replayed(again) }).toEqual({ signalId: after.body.signalId, replayed: true });
  });

  it('an expired key sent with another request is a new request, not 422 IDEMPOTENCY.KEY_REUSED', async () => {
    const key = `signal-${randomUUID()}`;
    const first = await sendSignal('zorgmelding', zorgmeldingPayload(home), key);
    expect(first.status).toBe(201);
    clock.advance((WINDOW_HOURS + 1) * HOUR);
    const other = await sendSignal('zorgmelding', zorgmeldingPayload(home), key);
    expect({ status: other.status, replayed: replayed(other) }).toEqual({ status: 201, replayed: false });
    expect(other.body.signalId).not.toBe(first.body.signalId);
  });

  it("an MMA reference is no request key: the tip sent again after the window is still the first signal", async () => {
    const body = mmaPayload(home);
    const first = await sendSignal('mma', body, `tip-${randomUUID()}`);
    expect(first.status).toBe(201);
    clock.advance((WINDOW_HOURS + 1) * HOUR);
    const again = await sendSignal('mma', body, `tip-${randomUUID()}`);
    expect({ signalId: again.body.signalId, replayed: replayed(again) }).toEqual({ signalId: first.body.signalId, replayed: true });
  });

  it('a registration, a case opened, a note and a legal hold sent again inside the window change nothing; after it each is new', async () => {
    const signal = await sendSignal('zorgmelding', zorgmeldingPayload(home), `signal-${randomUUID()}`);
    const signalId = signal.body.signalId as string;
    await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [signalId])).length > 0, { timeoutMs: 60_000, what: 'the signal in the router' }); // through Kafka and the router's consumer: a loaded CI machine took over 20 s once
    const register = { body: { kind: 'address', municipality: home, address: `Vergeetlaan ${Math.floor(Math.random() * 900) + 1}`, postcode: '7522 AB' }, key: `register-${randomUUID()}` };
    const open = { body: { model: 'ave', signalIds: [signalId] }, key: `open-${randomUUID()}` };
    const note = { body: { text: 'Buren melden opnieuw overlast', visibility: 'intern' }, key: `note-${randomUUID()}` };
    const hold = { key: `hold-${randomUUID()}` };

    const registered = await h.request('POST', '/v1/subjects', { token: coordinator, body: register.body, headers: keyed(register.key) });
    const opened = await h.request('POST', '/v1/cases', { token: coordinator, body: open.body, headers: keyed(open.key) });
    expect([registered.status, opened.status]).toEqual([201, 201]);
    const subjectId = registered.body.subjectId as string;
    const caseId = opened.body.caseId as string;
    const holdBody = { target: { kind: 'subject', id: subjectId }, reason: 'Strafrechtelijk onderzoek, PV 2026-0042' };
    const sendAll = async () => ({
      registered: await h.request('POST', '/v1/subjects', { token: coordinator, body: register.body, headers: keyed(register.key) }),
      opened: await h.request('POST', '/v1/cases', { token: coordinator, body: open.body, headers: keyed(open.key) }),
      noted: await h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: note.body, headers: keyed(note.key) }),
      held: await h.request('POST', '/v1/legal-holds', { token: admin, body: holdBody, headers: keyed(hold.key) }),
    });
    const notesOn = async () => (await h.query("SELECT 1 FROM events WHERE stream_id = $1 AND type = 'CaseNoteAdded'", [`case-${caseId}`])).length;
    const firstNote = await h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: note.body, headers: keyed(note.key) });
    const firstHold = await h.request('POST', '/v1/legal-holds', { token: admin, body: holdBody, headers: keyed(hold.key) });
    expect([firstNote.status, firstHold.status]).toEqual([200, 201]);

    clock.advance((WINDOW_HOURS - 1) * HOUR);
    const inside = await sendAll();
    expect({
      subject: [inside.registered.status, inside.registered.body.subjectId, replayed(inside.registered)],
      case: [inside.opened.status, inside.opened.body.caseId, replayed(inside.opened)],
      note: [inside.noted.status, replayed(inside.noted)],
      hold: [inside.held.status, inside.held.body.holdId, replayed(inside.held)],
    }).toEqual({ subject: [201, subjectId, true], case: [201, caseId, true], note: [200, true], hold: [201, firstHold.body.holdId, true] });
    expect(await notesOn()).toBe(1);

    clock.advance(2 * HOUR);
    const after = await sendAll();
    expect({
      statuses: [after.registered.status, after.opened.status, after.noted.status, after.held.status],
      replayed: [after.registered, after.opened, after.noted, after.held].map(replayed),
    }).toEqual({ statuses: [201, 201, 200, 201], replayed: [false, false, false, false] });
    expect(after.registered.body.subjectId).not.toBe(subjectId);
    expect(after.opened.body.caseId).not.toBe(caseId);
    expect(after.held.body.holdId).not.toBe(firstHold.body.holdId);
    expect(await notesOn()).toBe(2);
  });

  it("a key recorded exactly at the window's start is honoured; one recorded a millisecond earlier is not, and makes way for the new request's", async () => {
    const keys = requestKeyTable('case_request_keys', 'case_id');
    const expiredBefore = new Date(clock.now().getTime() - WINDOW_HOURS * HOUR);
    const record = async (key: string, at: Date) => {
      const caseId = randomUUID();
      await h.query(`INSERT INTO case_request_keys (key, case_id, request_hash, created_at) VALUES ($1, $2, 'hash', $3)`, [key, caseId, at.toISOString()]);
      return caseId;
    };
    const atStart = { key: `caller start-${randomUUID()}`, requestHash: 'hash', legacyHash: 'legacy' };
    const older = { key: `caller older-${randomUUID()}`, requestHash: 'hash', legacyHash: 'legacy' };
    const caseAtStart = await record(atStart.key, expiredBefore);
    await record(older.key, new Date(expiredBefore.getTime() - 1));

    expect(await keys.earlier(h.db, atStart, expiredBefore)).toBe(caseAtStart);
    expect(await keys.earlier(h.db, older, expiredBefore)).toBeNull();
    expect(await h.query('SELECT 1 FROM case_request_keys WHERE key = $1', [older.key])).toHaveLength(0);
  });
});

describe('expired request keys are pruned', () => {
  /** Rows of every key table recorded at `at`; the intake's with each kind of key it keeps. */
  async function keyRows(tag: string, at: Date): Promise<void> {
    for (const kind of ['idem', 'ext', 'msg']) {
      await h.query('INSERT INTO intake_keys (key, signal_id, received_at, request_hash, created_at) VALUES ($1, $2, $3, NULL, $3)', [`${kind}:${tag}`, randomUUID(), at.toISOString()]);
    }
    for (const [table, idColumn] of [['case_request_keys', 'case_id'], ['subject_request_keys', 'subject_id'], ['legal_hold_request_keys', 'hold_id']] as const) {
      await h.query(`INSERT INTO ${table} (key, ${idColumn}, request_hash, created_at) VALUES ($1, $2, 'hash', $3)`, [tag, randomUUID(), at.toISOString()]);
    }
  }

  /** Which of the rows `keyRows` made for `tag` are left, per table (the intake's by kind of key). */
  async function left(tag: string): Promise<Record<string, string[]>> {
    const intake = await h.query<{ key: string }>('SELECT key FROM intake_keys WHERE key = ANY($1::text[]) ORDER BY key', [['idem', 'ext', 'msg'].map((kind) => `${kind}:${tag}`)]);
    const routerTable = async (table: string) => ((await h.query(`SELECT 1 FROM ${table} WHERE key = $1`, [tag])).length === 1 ? ['kept'] : []);
    return {
      intake_keys: intake.map((r) => r.key.split(':')[0]!),
      case_request_keys: await routerTable('case_request_keys'),
      subject_request_keys: await routerTable('subject_request_keys'),
      legal_hold_request_keys: await routerTable('legal_hold_request_keys'),
    };
  }

  const everyRow = { intake_keys: ['ext', 'idem', 'msg'], case_request_keys: ['kept'], subject_request_keys: ['kept'], legal_hold_request_keys: ['kept'] };

  it('the pruner deletes the expired keys of all four tables and leaves fresh ones, MMA references and deliveries', async () => {
    const expired = `expired-${randomUUID()}`;
    const fresh = `fresh-${randomUUID()}`;
    await keyRows(expired, new Date(clock.now().getTime() - (WINDOW_HOURS + 1) * HOUR));
    await keyRows(fresh, new Date(clock.now().getTime() - (WINDOW_HOURS - 1) * HOUR));

    const pruned = await h.running.app.get<symbol, RequestKeyPruner>(REQUEST_KEY_PRUNER, { strict: false }).runNow();

    expect(pruned).toBeGreaterThanOrEqual(4);
    expect(await left(expired)).toEqual({ intake_keys: ['ext', 'msg'], case_request_keys: [], subject_request_keys: [], legal_hold_request_keys: [] });
    expect(await left(fresh)).toEqual(everyRow);
  });

  it("deletes in batches until no key recorded before the window's start is left, and keeps one recorded exactly at it", async () => {
    const expiredBefore = new Date(clock.now().getTime() - WINDOW_HOURS * HOUR);
    const tags = Array.from({ length: 5 }, () => `batch-${randomUUID()}`);
    for (const tag of tags) await keyRows(tag, new Date(expiredBefore.getTime() - 1));
    const boundary = `boundary-${randomUUID()}`;
    await keyRows(boundary, expiredBefore);

    const pruned = await pruneExpiredRequestKeys(h.db, [INTAKE_REQUEST_KEYS, { table: 'case_request_keys' }], expiredBefore, 2);

    expect(pruned).toBe(10);
    for (const tag of tags) expect(await left(tag)).toMatchObject({ intake_keys: ['ext', 'msg'], case_request_keys: [] });
    expect(await left(boundary)).toEqual(everyRow);
  });
});
