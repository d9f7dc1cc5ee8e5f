import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { caseEventTypes, expectRefused, openedCase, PRODUCT_APPS, sendSignal, testMunicipality } from './support/router-fixtures.js';

/**
 * A client that sends a change to a case again after a timeout (its first answer lost) must not change the case
 * twice: without `If-Match` a note would be added twice, a plan measure or a hand-over recorded twice, and a
 * transition sent again answers 422 although the first one was taken. Every `POST /v1/cases/{id}/…` takes an
 * `Idempotency-Key`, as opening a case does: the same key with the same request answers the case as it is now
 * (`idempotent-replayed: true`) and appends nothing; the same key with another request (another body, another
 * case, another kind of change, or the opening of a case) is refused. Keys are the caller's own. Real PostgreSQL
 * and Kafka.
 */

let h: AppHarness;
const home = testMunicipality();
let coordinator: string;
let colleague: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-command-keys' });
  colleague = await h.token('coordinator', [home], { subject: 'coordinator-command-keys-2' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

async function aveCase(): Promise<string> {
  const signalId = await sendSignal(h, coordinator, 'zorgmelding', home);
  return (await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] })).body.caseId as string;
}

const send = (caseId: string, change: string, body: Record<string, unknown>, key: string | undefined, token = coordinator) =>
  h.request('POST', `/v1/cases/${caseId}/${change}`, { token, body, headers: key === undefined ? {} : { 'idempotency-key': key } });
const count = (types: string[], type: string) => types.filter((t) => t === type).length;
const note = { text: 'Buren melden opnieuw overlast', visibility: 'intern' };
const opschalen = { transition: 'opschalen-ave-2', reasonCategory: 'stagnatie', reason: 'Geen voortgang' };

describe('POST /v1/cases/{id}/… with an Idempotency-Key', () => {
  it('a note sent twice with the same key is added once; the second answer is the case as it is, marked replayed', async () => {
    const caseId = await aveCase();
    const key = `note-${randomUUID()}`;
    const first = await send(caseId, 'notes', note, key);
    expect(first.status).toBe(200);
    const again = await send(caseId, 'notes', { visibility: 'intern', text: note.text }, key);
    expect({ status: again.status, replayed: again.headers.get('idempotent-replayed'), version: again.body.version, etag: again.headers.get('etag') }).toEqual({
      status: 200,
      replayed: 'true',
      version: first.body.version,
      etag: first.headers.get('etag'),
    });
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(count(await caseEventTypes(h, caseId), 'CaseNoteAdded')).toBe(1);
  });

  it('a transition sent again with its key answers 200 (not 422 TRANSITION_NOT_ALLOWED) and is taken once', async () => {
    const caseId = await aveCase();
    const key = `opschalen-${randomUUID()}`;
    expect((await send(caseId, 'transitions', opschalen, key)).body.currentState).toBe('ave-2');
    const again = await send(caseId, 'transitions', opschalen, key);
    expect({ status: again.status, state: again.body.currentState, replayed: again.headers.get('idempotent-replayed') }).toEqual({ status: 200, state: 'ave-2', replayed: 'true' });
    expect(count(await caseEventTypes(h, caseId), 'CaseTransitioned')).toBe(1);
  });

  it('sent at the same moment with the same key: the note is added once and every answer is 200', async () => {
    const caseId = await aveCase();
    const key = `note-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 4 }, () => send(caseId, 'notes', note, key)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toHaveLength(3);
    expect(count(await caseEventTypes(h, caseId), 'CaseNoteAdded')).toBe(1);
  });

  it('the same key with another body: 422 IDEMPOTENCY.KEY_REUSED, nothing appended', async () => {
    const caseId = await aveCase();
    const key = `note-${randomUUID()}`;
    expect((await send(caseId, 'notes', note, key)).status).toBe(200);
    await expectRefused(h, () => send(caseId, 'notes', { ...note, text: 'Een andere notitie' }, key), 422, 'IDEMPOTENCY.KEY_REUSED');
  });

  it('the same key on another case or for another kind of change: 422 IDEMPOTENCY.KEY_REUSED, nothing appended', async () => {
    const [caseId, otherCaseId] = [await aveCase(), await aveCase()];
    const key = `note-${randomUUID()}`;
    expect((await send(caseId, 'notes', note, key)).status).toBe(200);
    await expectRefused(h, () => send(otherCaseId, 'notes', note, key), 422, 'IDEMPOTENCY.KEY_REUSED');
    await expectRefused(h, () => send(caseId, 'transitions', opschalen, key), 422, 'IDEMPOTENCY.KEY_REUSED');
  });

  it('the key of an opened case used for a change of it: 422 IDEMPOTENCY.KEY_REUSED, nothing appended', async () => {
    const signalId = await sendSignal(h, coordinator, 'zorgmelding', home);
    const key = `open-${randomUUID()}`;
    await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] });
    const opened = await h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [signalId] }, headers: { 'idempotency-key': key } });
    expect(opened.status).toBe(201);
    await expectRefused(h, () => send(opened.body.caseId, 'notes', note, key), 422, 'IDEMPOTENCY.KEY_REUSED');
  });

  it("a colleague's request with the same key is a request of its own", async () => {
    const caseId = await aveCase();
    const key = `note-${randomUUID()}`;
    expect((await send(caseId, 'notes', note, key)).status).toBe(200);
    const theirs = await send(caseId, 'notes', note, key, colleague);
    expect({ status: theirs.status, replayed: theirs.headers.get('idempotent-replayed') }).toEqual({ status: 200, replayed: null });
    expect(count(await caseEventTypes(h, caseId), 'CaseNoteAdded')).toBe(2);
  });

  it('a refused change records no key: the same key is free for the request that follows', async () => {
    const caseId = await aveCase();
    const key = `retry-${randomUUID()}`;
    await expectRefused(h, () => send(caseId, 'transitions', { transition: 'opschalen-ave-4', reasonCategory: 'veiligheid', reason: 'x' }, key), 422, 'CASE.TRANSITION_NOT_ALLOWED');
    await expectRefused(h, () => h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: note, headers: { 'idempotency-key': key, 'if-match': '"99"' } }), 409, 'EVENTSTORE.VERSION_CONFLICT');
    const taken = await send(caseId, 'notes', note, key);
    expect({ status: taken.status, replayed: taken.headers.get('idempotent-replayed') }).toEqual({ status: 200, replayed: null });
    expect(count(await caseEventTypes(h, caseId), 'CaseNoteAdded')).toBe(1);
  });

  it('a key that is not 1–200 visible ASCII characters: 400 VALIDATION.IDEMPOTENCY_KEY_INVALID, nothing appended', async () => {
    const caseId = await aveCase();
    await expectRefused(h, () => send(caseId, 'notes', note, 'k'.repeat(201)), 400, 'VALIDATION.IDEMPOTENCY_KEY_INVALID');
    await expectRefused(h, () => send(caseId, 'notes', note, 'met spatie'), 400, 'VALIDATION.IDEMPOTENCY_KEY_INVALID');
  });

  it('without a key, a note sent twice is added twice (as before)', async () => {
    const caseId = await aveCase();
    expect((await send(caseId, 'notes', note, undefined)).status).toBe(200);
    expect((await send(caseId, 'notes', note, undefined)).status).toBe(200);
    expect(count(await caseEventTypes(h, caseId), 'CaseNoteAdded')).toBe(2);
  });
});
