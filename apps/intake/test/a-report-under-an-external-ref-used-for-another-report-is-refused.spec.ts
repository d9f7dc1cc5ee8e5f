import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { CommandBus } from '@nestjs/cqrs';
import { TOPICS } from '#contracts';
import type { IncomingMessage } from '#messaging';
import { startApp, type AppHarness, type HarnessResponse } from '../../../test/support/app-harness.js';
import { InboundSignalConsumer } from '../src/signals/inbound-signal.consumer.js';
import type { SignalReceipt } from '../src/signals/receive-signal.command.js';
import { INTAKE_APP, tag, twoMunicipalities, zorgmeldingPayload } from './support/intake-fixtures.js';

/**
 * An `externalRef` names one report of its sender: the same report sent again (over HTTP or Kafka) gets the first
 * receipt and stores nothing, but a different report under a reference already used in the municipality — by the same
 * sender or another one — is refused, 409 `SIGNAL.EXTERNAL_REF_REUSED`, and stores nothing, instead of being answered
 * with the first report's receipt and dropped. The refusal names neither the reference nor the signal it is taken by
 * (the caller may be another connector, who may not see that signal). A reference stored before its report's
 * fingerprint was kept has nothing to compare with and still answers every resend with its first receipt.
 */

let h: AppHarness;
const [home] = twoMunicipalities();
const INBOUND_ZORG = TOPICS.inbound('zorgmelding');

beforeAll(async () => {
  h = await startApp({ apps: [INTAKE_APP] });
});

afterAll(async () => {
  await h?.stop();
});

const signalsReceived = async () =>
  Number((await h.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE type = 'SignalReceived' AND municipality = $1", [home]))[0]!.n);

const keysOf = (signalId: string) => h.query<{ key: string }>('SELECT key FROM intake_keys WHERE signal_id = $1 ORDER BY key', [signalId]);

const report = (externalRef: string, concern: string, name = 'J. de Vries') =>
  zorgmeldingPayload(home, { name: 'A. Melder', contact: 'melder@example.nl', relation: 'familie' }, { externalRef, concern, subject: { name, birthDate: '1980-05-17', bsn: '111222333' } });

const send = (token: string, body: unknown, headers: Record<string, string> = {}) => h.request('POST', '/v1/signals/zorgmelding', { token, body, headers });
/** The same JSON written otherwise: its members in reverse order, indented. */
const rewritten = (body: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(body).reverse()), null, 2);

function expectFirstReceipt(res: HarnessResponse, first: HarnessResponse): void {
  expect({ status: res.status, body: res.body, replayed: res.headers.get('idempotent-replayed') }).toEqual({ status: 201, body: first.body, replayed: 'true' });
}

/** 409 SIGNAL.EXTERNAL_REF_REUSED, naming neither the reference nor the signal that holds it. */
function expectReferenceTaken(res: HarnessResponse, externalRef: string, takenBy: string): void {
  expect({ status: res.status, code: res.body?.code, field: res.body?.field }).toEqual({ status: 409, code: 'SIGNAL.EXTERNAL_REF_REUSED', field: 'externalRef' });
  expect(res.contentType).toMatch(/^application\/problem\+json/);
  expect(JSON.stringify(res.body)).not.toContain(takenBy);
  expect(JSON.stringify(res.body)).not.toContain(externalRef);
}

describe('an externalRef names one report', () => {
  it('answers the same report sent again with its first receipt, and refuses a different one from the same sender, storing nothing', async () => {
    const connector = await h.token('intake-system', [home], { subject: 'connector-ggd' });
    const externalRef = `ZORG-${tag()}`;
    const body = report(externalRef, 'Verward gedrag op straat, roept om hulp.');
    const first = await send(connector, body);
    expect(first.status).toBe(201);
    const stored = await signalsReceived();

    // A resend is the same report: key order and spacing of the JSON do not matter, its content does.
    expectFirstReceipt(await h.request('POST', '/v1/signals/zorgmelding', { token: connector, rawBody: rewritten(body) }), first);
    const key = `zorg-${tag()}`;
    const other = report(externalRef, 'Vervuilde woning, buren maken zich zorgen.', 'P. Pietersen');
    expectReferenceTaken(await send(connector, other, { 'idempotency-key': key }), externalRef, first.body.signalId);
    // A report that differs only in its time of receipt is another report too.
    expectReferenceTaken(await send(connector, { ...body, receivedAt: new Date(Date.now() - 60_000).toISOString() }), externalRef, first.body.signalId);

    expect(await signalsReceived()).toBe(stored);
    expect(await keysOf(first.body.signalId)).toEqual([{ key: `ext:zorgmelding:${home}:${externalRef}` }]);
    expect(await h.query('SELECT 1 FROM intake_keys WHERE key LIKE $1', [`%${key}`])).toEqual([]);
    expectFirstReceipt(await send(connector, body), first);
  });

  it("refuses another sender's different report under the same reference without telling it the first signal", async () => {
    const ggd = await h.token('intake-system', [home], { subject: 'connector-ggd' });
    const meldpunt = await h.token('intake-system', [home], { subject: 'connector-meldpunt' });
    const externalRef = `n.v.t.-${tag()}`;
    const first = await send(ggd, report(externalRef, 'Eerste melding: verward gedrag op straat.'));
    expect(first.status).toBe(201);
    const stored = await signalsReceived();

    expectReferenceTaken(await send(meldpunt, report(externalRef, 'Andere persoon: vervuilde woning.', 'P. Pietersen')), externalRef, first.body.signalId);
    expect(await signalsReceived()).toBe(stored);
  });

  it('answers every resend under a reference stored without a fingerprint (before it was kept) with the first receipt, as before', async () => {
    const connector = await h.token('intake-system', [home], { subject: 'connector-ggd' });
    const externalRef = `ZORG-${tag()}`;
    const body = report(externalRef, 'Verward gedrag, verwaarloost zichzelf.');
    const first = await send(connector, body);
    expect(first.status).toBe(201);
    const forgotten = await h.query('UPDATE intake_keys SET request_hash = NULL WHERE key = $1 RETURNING 1', [`ext:zorgmelding:${home}:${externalRef}`]);
    expect(forgotten).toHaveLength(1);
    const stored = await signalsReceived();

    expectFirstReceipt(await send(connector, body), first);
    expectFirstReceipt(await send(connector, report(externalRef, 'Een andere melding.')), first);
    expect(await signalsReceived()).toBe(stored);
  });
});

describe('over Kafka', () => {
  it('answers the same report in another message with its first receipt, and dead-letters a different one under the same reference', async () => {
    const consumer = h.running.app.get(InboundSignalConsumer, { strict: false });
    const receipts = jest.spyOn(h.running.app.get(CommandBus, { strict: false }), 'execute');
    const externalRef = `ZORG-${tag()}`;
    const key = `ref-${tag()}`;
    const traceId = tag().repeat(4).slice(0, 32);
    const offset = Date.now();
    const message = (n: number, body: unknown): IncomingMessage => ({
      topic: INBOUND_ZORG, partition: 0, offset: String(offset + n), key, attempt: 1, publishedAt: Date.now(),
      headers: { traceparent: `00-${traceId}-${'cd'.repeat(8)}-01` }, value: Buffer.from(JSON.stringify(body)),
    });
    const body = report(externalRef, 'Verward gedrag op straat.');
    try {
      await consumer.handle(message(0, body));
      const first = (await receipts.mock.results.at(-1)!.value) as SignalReceipt;
      expect(first).toMatchObject({ status: 'nieuw', replayed: false });
      const stored = await signalsReceived();

      await consumer.handle(message(1, body));
      expect(await receipts.mock.results.at(-1)!.value).toEqual({ ...first, replayed: true });
      await consumer.handle(message(2, report(externalRef, 'Een andere melding, over iemand anders.', 'P. Pietersen')));
      expect(await signalsReceived()).toBe(stored);

      const deadLetters = await h.query<{ error_code: string; error: string; message_value: string }>('SELECT error_code, error, message_value FROM dead_letters WHERE message_key = $1', [key]);
      expect(deadLetters.map((d) => ({ ...d, error: JSON.parse(d.error), message_value: JSON.parse(d.message_value) }))).toEqual([
        { error_code: 'SIGNAL.EXTERNAL_REF_REUSED', error: { message: expect.any(String), details: { field: 'externalRef' } }, message_value: { redacted: true, reason: 'SIGNAL.EXTERNAL_REF_REUSED' } },
      ]);
      expect(JSON.stringify(deadLetters)).not.toContain(first.signalId);
      expect(await h.query<{ status_code: number }>('SELECT status_code FROM processing_log WHERE trace_id = $1 ORDER BY id', [traceId])).toEqual([{ status_code: 201 }, { status_code: 201 }, { status_code: 409 }]);
    } finally {
      receipts.mockRestore();
    }
  });
});
