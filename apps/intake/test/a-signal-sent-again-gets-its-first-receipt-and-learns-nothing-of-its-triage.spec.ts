import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { TOPICS } from '#contracts';
import type { IncomingMessage } from '#messaging';
import { startApp, waitFor, type AppHarness, type HarnessResponse } from '../../../test/support/app-harness.js';
import { openedCase, PRODUCT_APPS } from '../../router/test/support/router-fixtures.js';
import { InboundSignalConsumer } from '../src/signals/inbound-signal.consumer.js';
import type { SignalReceipt } from '../src/signals/receive-signal.command.js';
import { mmaPayload, tag, twoMunicipalities, zorgmeldingPayload } from './support/intake-fixtures.js';

/**
 * A connector that sends a signal again (the same `Idempotency-Key`, the same MMA `externalRef`, or a Kafka message
 * delivered again) gets the first receipt back — the same signal id, time of receipt and status `nieuw` — whatever
 * the coordinators did with the signal since: a resend must not tell the channel (and through it a reporter) the
 * triage outcome. MMA has no feedback channel, intern-meldpunt reporters are not told outcomes, and under the Wvggz
 * only an essentiële naaste may be told, by the coordinator (DOMAIN.md §2). Nothing is appended by any resend, also
 * not for a signal whose personal data was erased. Intake and router together on real PostgreSQL and Kafka; statuses
 * change through the router's API and reach the intake's triage queue, as in the product.
 */

let h: AppHarness;
const [home] = twoMunicipalities();
let intakeSystem: string;
let coordinator: string;
let admin: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  intakeSystem = await h.token('intake-system', [home], { subject: 'connector-mma' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-sanne' });
  admin = await h.token('admin', [home], { subject: 'admin-fg' });
});

afterAll(async () => {
  await h?.stop();
});

type Source = 'mma' | 'zorgmelding';
const send = (source: Source, body: unknown, headers: Record<string, string> = {}) => h.request('POST', `/v1/signals/${source}`, { token: intakeSystem, body, headers });

/** Sends a signal for the first time and waits until the router knows it (so it can be triaged). */
async function received(source: Source, body: unknown, headers: Record<string, string> = {}): Promise<HarnessResponse> {
  const res = await send(source, body, headers);
  expect({ status: res.status, statusField: res.body?.status, replayed: res.headers.get('idempotent-replayed') }).toEqual({ status: 201, statusField: 'nieuw', replayed: null });
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [res.body.signalId])).length > 0, { what: 'the signal in the router' });
  return res;
}

/** Waits until the intake's triage queue shows the signal with `status`, and returns what GET /v1/signals/{id} answers. */
async function shownAs(signalId: string, status: string): Promise<Record<string, any>> {
  return waitFor(async () => {
    const res = await h.request('GET', `/v1/signals/${signalId}`, { token: coordinator });
    return res.status === 200 && res.body.status === status ? res.body : undefined;
  }, { what: `signal ${signalId} ${status} in the triage queue` });
}

/** What a resend must leave as it was: every SignalReceived, the signal's own stream, and the signals' data keys. */
async function stored(signalId: string): Promise<{ received: number; stream: string[]; signalKeys: number }> {
  const [counts] = await h.query<{ received: string; keys: string }>(
    "SELECT (SELECT count(*) FROM events WHERE type = 'SignalReceived') AS received, (SELECT count(*) FROM data_keys WHERE owner LIKE 'signal:%') AS keys",
  );
  const stream = await h.query<{ type: string }>('SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version', [`signal-${signalId}`]);
  return { received: Number(counts!.received), stream: stream.map((e) => e.type), signalKeys: Number(counts!.keys) };
}

/** Checks a resend's answer: 201, the first receipt's id and time, `status`, marked as replayed. */
function expectReceipt(res: HarnessResponse, first: HarnessResponse, status: string): void {
  expect({ status: res.status, body: res.body, replayed: res.headers.get('idempotent-replayed'), location: res.headers.get('location') }).toEqual({
    status: 201,
    body: { signalId: first.body.signalId, receivedAt: first.body.receivedAt, status },
    replayed: 'true',
    location: `/v1/signals/${first.body.signalId}`,
  });
}

describe('a signal sent again gets its first receipt and learns nothing of its triage', () => {
  it('answers a dismissed MMA tip sent again (same Idempotency-Key, or the same externalRef alone) as nieuw, not afgewezen', async () => {
    const body = mmaPayload(home);
    const headers = { 'idempotency-key': `tip-${tag()}` };
    const first = await received('mma', body, headers);
    const signalId: string = first.body.signalId;
    const dismissed = await h.request('POST', `/v1/signals/${signalId}/dismissal`, { token: coordinator, body: { reason: 'Geen aanwijzingen voor ondermijning.' } });
    expect({ status: dismissed.status, signalStatus: dismissed.body.status }).toEqual({ status: 200, signalStatus: 'afgewezen' });
    await shownAs(signalId, 'afgewezen');

    const before = await stored(signalId);
    expect(before.stream).toEqual(['SignalReceived', 'SignalDismissed']);
    expectReceipt(await send('mma', body, headers), first, 'nieuw');
    expectReceipt(await send('mma', body), first, 'nieuw');
    expect(await stored(signalId)).toEqual(before);
  });

  it('answers nieuw also once the signal is linked to a subject and once it is in a case', async () => {
    const body = mmaPayload(home, { location: { municipality: home, address: 'Loodsweg 3', postcode: '7522AB' } });
    const headers = { 'idempotency-key': `tip-${tag()}` };
    const first = await received('mma', body, headers);
    const signalId: string = first.body.signalId;
    const subject = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'address', municipality: home, address: 'Loodsweg 3', postcode: '7522 AB' } });
    expect(subject.status).toBe(201);
    const linked = await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId: subject.body.subjectId } });
    expect({ status: linked.status, signalStatus: linked.body.status }).toEqual({ status: 200, signalStatus: 'gekoppeld' });
    await shownAs(signalId, 'gekoppeld');

    const linkedState = await stored(signalId);
    expectReceipt(await send('mma', body, headers), first, 'nieuw');
    expect(await stored(signalId)).toEqual(linkedState);

    await openedCase(h, coordinator, { model: 'ondermijning-intake', signalIds: [signalId] });
    await shownAs(signalId, 'in-behandeling');
    const inCase = await stored(signalId);
    expectReceipt(await send('mma', body, headers), first, 'nieuw');
    expectReceipt(await send('mma', body), first, 'nieuw');
    expect(await stored(signalId)).toEqual(inCase);
  });

  it('answers a Kafka message delivered again with its first receipt, and stores nothing new', async () => {
    const consumer = h.running.app.get(InboundSignalConsumer, { strict: false });
    const body = mmaPayload(home);
    const message: IncomingMessage = {
      topic: TOPICS.inbound('mma'), partition: 0, offset: String(Date.now()), key: null, headers: {}, attempt: 1, publishedAt: Date.now(),
      value: Buffer.from(JSON.stringify(body)),
    };
    const receipts = jest.spyOn(h.running.app.get(CommandBus, { strict: false }), 'execute');
    try {
      await consumer.handle(message);
      const firstReceipt = (await receipts.mock.results.at(-1)!.value) as SignalReceipt;
      expect(firstReceipt).toMatchObject({ status: 'nieuw', replayed: false });
      const { signalId } = firstReceipt;
      await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [signalId])).length > 0, { what: 'the signal in the router' });
      expect((await h.request('POST', `/v1/signals/${signalId}/dismissal`, { token: coordinator, body: { reason: 'Dubbele melding, al bekend.' } })).status).toBe(200);
      await shownAs(signalId, 'afgewezen');

      const before = await stored(signalId);
      await consumer.handle({ ...message, attempt: 2 });
      expect((await receipts.mock.results.at(-1)!.value) as SignalReceipt).toEqual({ signalId, receivedAt: firstReceipt.receivedAt, status: 'nieuw', replayed: true });
      expect(await stored(signalId)).toEqual(before);
    } finally {
      receipts.mockRestore();
    }
  });

  it("answers a signal whose personal data was erased with its first receipt, and does not take the resent report in again", async () => {
    const person = { name: `Gewiste Persoon ${tag()}`, birthDate: '1966-06-06', bsn: '123456782' };
    const body = zorgmeldingPayload(home, undefined, { subject: person, externalRef: `ZORG-${tag()}` });
    const headers = { 'idempotency-key': `zorg-${tag()}` };
    const first = await received('zorgmelding', body, headers);
    const signalId: string = first.body.signalId;
    const subject = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: home, ...person } });
    expect(subject.status).toBe(201);
    expect((await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId: subject.body.subjectId } })).status).toBe(200);
    await shownAs(signalId, 'gekoppeld');
    const erasure = await h.request('POST', `/v1/subjects/${subject.body.subjectId}/erasure`, { token: admin, body: { reason: 'Verzoek tot wissing van de betrokkene (art. 17 AVG).' } });
    expect({ status: erasure.status, signalIds: erasure.body.signalIds }).toEqual({ status: 200, signalIds: [signalId] });
    const shown = await shownAs(signalId, 'gekoppeld');
    expect(shown).toMatchObject({ personalDataErased: true, details: { subject: { name: null, bsn: null } } });

    const before = await stored(signalId);
    expectReceipt(await send('zorgmelding', body, headers), first, 'nieuw');
    expectReceipt(await send('zorgmelding', body), first, 'nieuw');
    expect(await stored(signalId)).toEqual(before);
    // The signal stays erased: no key was made for it again, and what it shows is still nothing.
    expect(await h.query('SELECT 1 FROM data_keys WHERE owner = $1 AND wrapped_key IS NOT NULL', [`signal:${signalId}`])).toEqual([]);
    expect(await shownAs(signalId, 'gekoppeld')).toMatchObject({ personalDataErased: true, details: { subject: { name: null, bsn: null } } });
  });
});
