import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { expectRefused, PRODUCT_APPS, testMunicipality } from './support/router-fixtures.js';

/**
 * A legal hold placed by a double click, or by a client sending again after a timeout, must be one hold: two
 * would both have to be lifted before destruction may go ahead, and the second lift would be a surprise.
 * `POST /v1/legal-holds` takes an `Idempotency-Key`: the same key with the same request answers the hold the
 * first one placed (`idempotent-replayed: true`); with another request it is refused. Real PostgreSQL and Kafka.
 */

let h: AppHarness;
const home = testMunicipality();
let admin: string;
let coordinator: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  admin = await h.token('admin', [home], { subject: 'admin-hold-keys' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-hold-keys' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

async function subject(): Promise<string> {
  const res = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'address', municipality: home, address: `Bewaarlaan ${Math.floor(Math.random() * 900) + 1}`, postcode: '7522 AB' } });
  expect(res.status).toBe(201);
  return res.body.subjectId as string;
}

const place = (target: string, reason: string, key: string | undefined) =>
  h.request('POST', '/v1/legal-holds', { token: admin, body: { target: { kind: 'subject', id: target }, reason }, headers: key === undefined ? {} : { 'idempotency-key': key } });
const activeHoldsOn = async (target: string) => (await h.query('SELECT 1 FROM legal_holds WHERE owner = $1 AND lifted_at IS NULL', [`subject:${target}`])).length;
const reason = 'Strafrechtelijk onderzoek, PV 2026-0042';

describe('POST /v1/legal-holds with an Idempotency-Key', () => {
  it('sent twice with the same key and request: one hold, the second answer is the first hold', async () => {
    const target = await subject();
    const key = `hold-${randomUUID()}`;
    const first = await place(target, reason, key);
    expect(first.status).toBe(201);
    const again = await place(target, reason, key);
    expect({ status: again.status, holdId: again.body.holdId, replayed: again.headers.get('idempotent-replayed') }).toEqual({ status: 201, holdId: first.body.holdId, replayed: 'true' });
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await activeHoldsOn(target)).toBe(1);
  });

  it('sent at the same moment with the same key: one hold', async () => {
    const target = await subject();
    const key = `hold-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 4 }, () => place(target, reason, key)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.holdId)).size).toBe(1);
    expect(await activeHoldsOn(target)).toBe(1);
  });

  it('the same key with another request: 422 IDEMPOTENCY.KEY_REUSED, nothing appended', async () => {
    const target = await subject();
    const key = `hold-${randomUUID()}`;
    expect((await place(target, reason, key)).status).toBe(201);
    await expectRefused(h, () => place(target, 'Een andere reden voor bewaren', key), 422, 'IDEMPOTENCY.KEY_REUSED');
    expect(await activeHoldsOn(target)).toBe(1);
  });

  it('a key that is not 1–200 visible ASCII characters: 400 VALIDATION.IDEMPOTENCY_KEY_INVALID, nothing appended', async () => {
    const target = await subject();
    await expectRefused(h, () => place(target, reason, 'met spatie'), 400, 'VALIDATION.IDEMPOTENCY_KEY_INVALID');
    expect(await activeHoldsOn(target)).toBe(0);
  });

  it('without a key, every request places a hold of its own (as before)', async () => {
    const target = await subject();
    expect((await place(target, reason, undefined)).status).toBe(201);
    expect((await place(target, reason, undefined)).status).toBe(201);
    expect(await activeHoldsOn(target)).toBe(2);
  });
});
