import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { expectRefused, openedCase, PRODUCT_APPS, sendSignal, testMunicipality } from './support/router-fixtures.js';

/**
 * A coordinator's double click, or a client that sends again after a timeout, must not open two cases:
 * `POST /v1/cases` takes an `Idempotency-Key` as the intake does. The same key with the same request answers the
 * case the first one opened (`idempotent-replayed: true`); with another request it is refused. Keys are the
 * caller's own. Real PostgreSQL and Kafka.
 */

let h: AppHarness;
const home = testMunicipality();
let coordinator: string;
let colleague: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-idem' });
  colleague = await h.token('coordinator', [home], { subject: 'coordinator-idem-2' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

/** A signal the router knows (a case from it could be opened). */
async function knownSignal(): Promise<string> {
  const signalId = await sendSignal(h, coordinator, 'zorgmelding', home);
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [signalId])).length > 0, { timeoutMs: 60_000, what: 'the signal in the router' }); // through Kafka and the router's consumer: a loaded CI machine took over 20 s once
  return signalId;
}

const open = (body: Record<string, unknown>, key: string | undefined, token = coordinator) =>
  h.request('POST', '/v1/cases', { token, body, headers: key === undefined ? {} : { 'idempotency-key': key } });
const casesOpenedFrom = async (signalId: string) => (await h.query("SELECT 1 FROM events WHERE type = 'CaseOpened' AND payload->'signalIds' ? $1", [signalId])).length;

describe('POST /v1/cases with an Idempotency-Key', () => {
  it('sent twice with the same key and request: one case, the second answer is the first case', async () => {
    const signalId = await knownSignal();
    const key = `open-${randomUUID()}`;
    const first = await open({ model: 'ave', signalIds: [signalId] }, key);
    expect(first.status).toBe(201);
    const again = await open({ signalIds: [signalId], model: 'ave' }, key);
    expect({ status: again.status, caseId: again.body.caseId, replayed: again.headers.get('idempotent-replayed') }).toEqual({ status: 201, caseId: first.body.caseId, replayed: 'true' });
    expect(again.headers.get('location')).toBe(`/v1/cases/${first.body.caseId}`);
    expect(await casesOpenedFrom(signalId)).toBe(1);
  });

  it('sent at the same moment with the same key: one case', async () => {
    const signalId = await knownSignal();
    const key = `open-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 4 }, () => open({ model: 'ave', signalIds: [signalId] }, key)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.caseId)).size).toBe(1);
    expect(await casesOpenedFrom(signalId)).toBe(1);
  });

  it('a key stored by the earlier release (a plain SHA-256 of the request) still answers its case, and refuses another request', async () => {
    const signalId = await knownSignal();
    const key = `open-${randomUUID()}`;
    const body = { model: 'ave', signalIds: [signalId] };
    const first = await open(body, key);
    expect(first.status).toBe(201);
    const canonicalize = (await import('canonicalize')).default as unknown as (v: unknown) => string;
    const { createHash } = await import('node:crypto');
    await h.query('UPDATE case_request_keys SET request_hash = $2 WHERE case_id = $1::uuid', [first.body.caseId, createHash('sha256').update(canonicalize(body)).digest('hex')]);
    const again = await open(body, key);
    expect({ status: again.status, caseId: again.body.caseId, replayed: again.headers.get('idempotent-replayed') }).toEqual({ status: 201, caseId: first.body.caseId, replayed: 'true' });
    await expectRefused(h, () => open({ model: '7-stappenmodel', signalIds: [signalId] }, key), 422, 'IDEMPOTENCY.KEY_REUSED');
  });

  it('the same key with another request: 422 IDEMPOTENCY.KEY_REUSED, nothing appended', async () => {
    const signalId = await knownSignal();
    const key = `open-${randomUUID()}`;
    expect((await open({ model: 'ave', signalIds: [signalId] }, key)).status).toBe(201);
    await expectRefused(h, () => open({ model: '7-stappenmodel', signalIds: [signalId] }, key), 422, 'IDEMPOTENCY.KEY_REUSED');
  });

  it("a colleague's request with the same key is a request of its own", async () => {
    const signalId = await knownSignal();
    const key = `open-${randomUUID()}`;
    const mine = await open({ model: 'ave', signalIds: [signalId] }, key);
    const theirs = await open({ model: 'ave', signalIds: [signalId] }, key, colleague);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.caseId).not.toBe(mine.body.caseId);
  });

  it('a key that is not 1–200 visible ASCII characters: 400 VALIDATION.IDEMPOTENCY_KEY_INVALID, nothing appended', async () => {
    const signalId = await knownSignal();
    await expectRefused(h, () => open({ model: 'ave', signalIds: [signalId] }, 'k'.repeat(201)), 400, 'VALIDATION.IDEMPOTENCY_KEY_INVALID');
  });

  it('without a key, every request opens a case of its own (as before)', async () => {
    const signalId = await knownSignal();
    await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] });
    await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] });
    expect(await casesOpenedFrom(signalId)).toBe(2);
  });
});
