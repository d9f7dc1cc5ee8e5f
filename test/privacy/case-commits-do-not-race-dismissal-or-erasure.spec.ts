import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, waitFor, type AppHarness, type HarnessResponse } from '../support/app-harness.js';
import { privacyActors, registeredSubject, signalInRouter, waitingOnLocks as waitingOnLocksOf, type PrivacyActors } from './support/privacy-actors.js';

/**
 * A case commit and a dismissal or erasure that happen at the same moment never both get their way. The rules
 * are checked on read models before the commit (a dismissed signal is not put in a case; no case about an erased
 * subject); these tests hold the race open on purpose: a second connection locks the signal's row of the router's
 * read model, the case commit waits on it, and the dismissal or erasure is sent meanwhile. Real PostgreSQL and Kafka.
 */

let h: AppHarness;
let actors: PrivacyActors;
let coordinator: string;
let admin: string;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  actors = await privacyActors(h, { coordinator: 'coordinator-race', admin: 'admin-race' });
  ({ coordinator, admin } = actors);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const signal = () => signalInRouter(actors);
const subject = () => registeredSubject(actors, 'Kees Race');
const waitingOnLocks = () => waitingOnLocksOf(h);

/**
 * Runs `commit` while a second connection holds the lock of the signal's `router_signals` row, until the commit
 * waits on it; then runs `meanwhile` (not awaited: it may wait too), releases the lock, and returns both answers.
 */
async function raced(signalId: string, commit: () => Promise<HarnessResponse>, meanwhile: () => Promise<HarnessResponse>): Promise<[HarnessResponse, HarnessResponse]> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const lockTaken = new Promise<void>((resolve) => (locked = resolve));
  const blocker = h.db.transaction(async (tx) => {
    await tx.query('SELECT 1 FROM router_signals WHERE signal_id = $1::uuid FOR UPDATE', [signalId]);
    locked();
    await released;
  });
  await lockTaken;
  const before = await waitingOnLocks();
  const first = commit();
  await waitFor(async () => (await waitingOnLocks()) > before, { what: 'the case commit waiting on the row lock' });
  let secondAnswered = false;
  const second = meanwhile().finally(() => (secondAnswered = true));
  // The second request either waits on a lock too, or is answered.
  await waitFor(async () => secondAnswered || (await waitingOnLocks()) > before + 1, { what: 'the second request' });
  release();
  await blocker;
  return Promise.all([first, second]);
}

describe('a case commit racing a dismissal of its signal', () => {
  it('opening a case and dismissing its signal: one of them is refused, never both done', async () => {
    const signalId = await signal();
    const [opened, dismissed] = await raced(
      signalId,
      () => h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [signalId] } }),
      () => h.request('POST', `/v1/signals/${signalId}/dismissal`, { token: coordinator, body: { reason: 'Geen aanleiding, dubbele melding' } }),
    );
    const done = [opened.status === 201, dismissed.status === 200].filter(Boolean).length;
    expect({ done, opened: [opened.status, opened.body.code], dismissed: [dismissed.status, dismissed.body.code] }).toMatchObject({ done: 1 });
    expect(opened.status === 201 ? [dismissed.status, dismissed.body.code] : [opened.status, opened.body.code]).toEqual(
      opened.status === 201 ? [409, 'SIGNAL.IN_CASE'] : [409, 'SIGNAL.ALREADY_DISMISSED'],
    );
    const stored = await h.query<{ type: string }>("SELECT type FROM events WHERE type IN ('CaseOpened', 'SignalDismissed') AND (stream_id = $1 OR payload->'signalIds' ? $2)", [`signal-${signalId}`, signalId]);
    expect(stored).toHaveLength(1);
  });

  it('a dismissal the router read model has not seen yet still keeps the signal out of a case', async () => {
    const signalId = await signal();
    expect((await h.request('POST', `/v1/signals/${signalId}/dismissal`, { token: coordinator, body: { reason: 'Geen aanleiding, dubbele melding' } })).status).toBe(200);
    await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND dismissed', [signalId])).length > 0, { what: 'the dismissal in the router' });
    // As if the dismissal were still on its way over Kafka.
    await h.query('UPDATE router_signals SET dismissed = false WHERE signal_id = $1', [signalId]);
    const opened = await h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [signalId] } });
    expect([opened.status, opened.body.code]).toEqual([409, 'SIGNAL.ALREADY_DISMISSED']);
    expect(await h.query("SELECT 1 FROM events WHERE type = 'CaseOpened' AND payload->'signalIds' ? $1", [signalId])).toHaveLength(0);
  });
});

describe('a case commit racing an erasure of its subject', () => {
  it('opening a case about a subject while it is erased: the case is refused, or it is erased with the subject', async () => {
    const subjectId = await subject();
    const signalId = await signal();
    const [opened, erased] = await raced(
      signalId,
      () => h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [signalId], subjectId } }),
      () => h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: admin, body: { reason: 'Verzoek van betrokkene AVG art. 17' } }),
    );
    expect(erased.status).toBe(200);
    if (opened.status === 201) {
      // Committed first: the erasure saw the case and destroyed its key, so nothing new can be written into it.
      const note = await h.request('POST', `/v1/cases/${opened.body.caseId}/notes`, { token: coordinator, body: { text: 'Nog een notitie', visibility: 'intern' } });
      expect([note.status, note.body.code]).toEqual([410, 'PRIVACY.ERASED']);
    } else {
      expect([opened.status, opened.body.code]).toEqual([410, 'PRIVACY.ERASED']);
      expect(await h.query("SELECT 1 FROM events WHERE type = 'CaseOpened' AND payload->'signalIds' ? $1", [signalId])).toHaveLength(0);
    }
  });

  it('a case from a signal whose link to an erased subject the router read model has not seen yet is refused', async () => {
    const subjectId = await subject();
    const signalId = await signal();
    expect((await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId } })).status).toBe(200);
    await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND subject_id = $2', [signalId, subjectId])).length > 0, { what: 'the link in the router' });
    // As if the link were still on its way over Kafka.
    await h.query('UPDATE router_signals SET subject_id = NULL WHERE signal_id = $1', [signalId]);
    expect((await h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: admin, body: { reason: 'Verzoek van betrokkene AVG art. 17' } })).status).toBe(200);
    const opened = await h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [signalId] } });
    expect([opened.status, opened.body.code]).toEqual([410, 'PRIVACY.ERASED']);
  });

  it('adding a signal linked to an erased subject to a case is refused: 410 PRIVACY.ERASED', async () => {
    const subjectId = await subject();
    const linkedSignal = await signal();
    expect((await h.request('POST', `/v1/signals/${linkedSignal}/subject`, { token: coordinator, body: { subjectId } })).status).toBe(200);
    await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND subject_id = $2', [linkedSignal, subjectId])).length > 0, { what: 'the link in the router' });
    const other = await signal();
    const opened = await h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [other] } });
    expect(opened.status).toBe(201);
    expect((await h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: admin, body: { reason: 'Verzoek van betrokkene AVG art. 17' } })).status).toBe(200);
    const added = await h.request('POST', `/v1/cases/${opened.body.caseId}/signals`, { token: coordinator, body: { signalId: linkedSignal }, headers: { 'if-match': opened.headers.get('etag')! } });
    expect([added.status, added.body.code]).toEqual([410, 'PRIVACY.ERASED']);
  });
});

describe('a case commit racing the destruction of the case key', () => {
  it('a note written while an erasure destroys the case key is refused (410), never stored under the destroyed key', async () => {
    const signalId = await signal();
    const opened = await h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [signalId] } });
    expect(opened.status).toBe(201);
    const caseId: string = opened.body.caseId;
    const note = (text: string) => h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: { text, visibility: 'intern' } });
    expect((await note('Eerste notitie')).status).toBe(200); // this process now seals with the case key it keeps

    // An erasure in flight: it has destroyed the case key and not committed yet.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let destroyed!: () => void;
    const keyDestroyed = new Promise<void>((resolve) => (destroyed = resolve));
    const erasure = h.db.transaction(async (tx) => {
      await tx.query("UPDATE data_keys SET wrapped_key = NULL, destroyed_at = now() WHERE owner = $1", [`case:${caseId}`]);
      destroyed();
      await released;
    });
    await keyDestroyed;
    const before = await waitingOnLocks();
    let answered = false;
    const second = note('Tweede notitie').finally(() => (answered = true));
    await waitFor(async () => answered || (await waitingOnLocks()) > before, { what: 'the note waiting on the key, or answered' });
    release();
    await erasure;
    const res = await second;
    expect([res.status, res.body.code]).toEqual([410, 'PRIVACY.ERASED']);
  });
});
