import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { zorgmeldingPayload } from '../../apps/intake/test/support/intake-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';

/**
 * An `Idempotency-Key` is stored with a keyed fingerprint of its request (an HMAC under the blind-index key,
 * which is never destroyed). For a subject's registration the request is the subject's identity: with the
 * index key, the fingerprint confirms a guessed address or KvK number as surely as the blind indexes that
 * erasure clears. So crypto-shredding a subject or a case forgets the request keys of what it destroys, in the
 * destroying transaction. Real PostgreSQL and Kafka.
 */

let h: AppHarness;
const home = `GM${String(1000 + Math.floor(Math.random() * 8000)).padStart(4, '0')}`;
let coordinator: string;
let admin: string;
let intakeSystem: string;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-keys-erasure' });
  admin = await h.token('admin', [home], { subject: 'admin-keys-erasure' });
  intakeSystem = await h.token('intake-system', [home], { subject: 'connector' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const keyed = (key: string) => ({ 'idempotency-key': key });

describe('erasure and the request keys', () => {
  it("erasing a subject forgets the keys of its registration and of its cases' opening and changes; others stay", async () => {
    const person = { kind: 'person', municipality: home, name: `Wim Wis ${randomUUID().slice(0, 6)}`, birthDate: '1971-05-06' };
    const registered = await h.request('POST', '/v1/subjects', { token: coordinator, body: person, headers: keyed(`reg-${randomUUID()}`) });
    expect(registered.status).toBe(201);
    const subjectId = registered.body.subjectId as string;
    const bystander = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'address', municipality: home, address: 'Blijflaan 1', postcode: '7522 AB' }, headers: keyed(`reg-${randomUUID()}`) });
    expect(bystander.status).toBe(201);

    const report = zorgmeldingPayload(home, undefined, { externalRef: `ZM-${randomUUID()}` });
    const received = await h.request('POST', '/v1/signals/zorgmelding', { token: intakeSystem, body: report, headers: keyed(`zm-${randomUUID()}`) });
    expect(received.status).toBe(201);
    const signalId = received.body.signalId as string;
    await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [signalId])).length > 0, { what: 'signal in the router' });
    const opened = await h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [signalId], subjectId }, headers: keyed(`open-${randomUUID()}`) });
    expect(opened.status).toBe(201);
    const caseId = opened.body.caseId as string;
    const noted = await h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: { text: 'Gesprek gevoerd', visibility: 'intern' }, headers: keyed(`note-${randomUUID()}`) });
    expect(noted.status).toBe(200);

    const keysOf = async () => ({
      subject: (await h.query('SELECT 1 FROM subject_request_keys WHERE subject_id = $1::uuid', [subjectId])).length,
      bystander: (await h.query('SELECT 1 FROM subject_request_keys WHERE subject_id = $1::uuid', [bystander.body.subjectId])).length,
      case: (await h.query('SELECT 1 FROM case_request_keys WHERE case_id = $1::uuid', [caseId])).length,
      // The signal's reference and Idempotency-Key stay (a resend still gets its first receipt), their fingerprints of
      // the report (name, BSN, concern) do not: with the blind-index key they would confirm a guessed report.
      signal: (await h.query<{ fingerprinted: boolean }>('SELECT request_hash IS NOT NULL AS fingerprinted FROM intake_keys WHERE signal_id = $1::uuid ORDER BY key', [signalId])).map((r) => r.fingerprinted),
    });
    expect(await keysOf()).toEqual({ subject: 1, bystander: 1, case: 2, signal: [true, true] });

    const erased = await h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: admin, body: { reason: 'Verzoek van betrokkene (art. 17 AVG)' } });
    expect(erased.status).toBe(200);
    expect(await keysOf()).toEqual({ subject: 0, bystander: 1, case: 0, signal: [false, false] });
    const resent = await h.request('POST', '/v1/signals/zorgmelding', { token: intakeSystem, body: report });
    expect({ status: resent.status, signalId: resent.body.signalId }).toEqual({ status: 201, signalId });
  });
});
