import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { expectRefused, PRODUCT_APPS, testMunicipality } from './support/router-fixtures.js';

/**
 * Only a person's BSN keeps the registry from holding one subject twice: an address, a business, a youth group
 * or a person without BSN registered by a double click or by a client sending again after a timeout would be
 * two subjects, and the counts of unique subjects would be off. `POST /v1/subjects` takes an `Idempotency-Key`:
 * the same key with the same request answers the subject the first one registered (`idempotent-replayed: true`);
 * with another request it is refused. Keys are the caller's own. Real PostgreSQL and Kafka.
 */

let h: AppHarness;
const home = testMunicipality();
let coordinator: string;
let colleague: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-subject-keys' });
  colleague = await h.token('coordinator', [home], { subject: 'coordinator-subject-keys-2' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const address = () => ({ kind: 'address', municipality: home, address: `Loodsweg ${Math.floor(Math.random() * 900) + 1}`, postcode: '7522 AB' });
const register = (body: Record<string, unknown>, key: string | undefined, token = coordinator) =>
  h.request('POST', '/v1/subjects', { token, body, headers: key === undefined ? {} : { 'idempotency-key': key } });

describe('POST /v1/subjects with an Idempotency-Key', () => {
  it('sent twice with the same key and request: one subject, the second answer is the first subject', async () => {
    const body = address();
    const key = `subject-${randomUUID()}`;
    const first = await register(body, key);
    expect(first.status).toBe(201);
    const again = await register({ ...body }, key);
    expect({ status: again.status, subjectId: again.body.subjectId, address: again.body.address, replayed: again.headers.get('idempotent-replayed') }).toEqual({
      status: 201,
      subjectId: first.body.subjectId,
      address: body.address,
      replayed: 'true',
    });
    expect(again.headers.get('location')).toBe(`/v1/subjects/${first.body.subjectId}`);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect((await h.query('SELECT 1 FROM subjects WHERE municipality = $1 AND subject_id = $2', [home, first.body.subjectId])).length).toBe(1);
  });

  it('sent at the same moment with the same key: one subject', async () => {
    const before = await h.countEvents();
    const key = `subject-${randomUUID()}`;
    const body = address();
    const answers = await Promise.all(Array.from({ length: 4 }, () => register(body, key)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.subjectId)).size).toBe(1);
    expect(await h.countEvents()).toBe(before + 1);
  });

  it('the same key with another request: 422 IDEMPOTENCY.KEY_REUSED, nothing appended', async () => {
    const key = `subject-${randomUUID()}`;
    expect((await register(address(), key)).status).toBe(201);
    await expectRefused(h, () => register(address(), key), 422, 'IDEMPOTENCY.KEY_REUSED');
  });

  it("a colleague's request with the same key is a request of its own", async () => {
    const key = `subject-${randomUUID()}`;
    const body = address();
    const mine = await register(body, key);
    const theirs = await register(body, key, colleague);
    expect([mine.status, theirs.status, theirs.headers.get('idempotent-replayed')]).toEqual([201, 201, null]);
    expect(theirs.body.subjectId).not.toBe(mine.body.subjectId);
  });

  it('a refused registration records no key: the same key is free for the request that follows', async () => {
    const key = `subject-${randomUUID()}`;
    const person = { kind: 'person', municipality: home, name: 'Jan Jansen', birthDate: '1980-02-03', bsn: '111222333' };
    expect((await register(person, undefined)).status).toBe(201);
    await expectRefused(h, () => register({ ...person, bsn: '123456780' }, key), 422, 'SUBJECT.BSN_INVALID');
    await expectRefused(h, () => register(person, key), 409, 'SUBJECT.BSN_CONFLICT');
    const taken = await register(address(), key);
    expect({ status: taken.status, replayed: taken.headers.get('idempotent-replayed') }).toEqual({ status: 201, replayed: null });
  });

  it('a key that is not 1–200 visible ASCII characters: 400 VALIDATION.IDEMPOTENCY_KEY_INVALID, nothing appended', async () => {
    await expectRefused(h, () => register(address(), 'k'.repeat(201)), 400, 'VALIDATION.IDEMPOTENCY_KEY_INVALID');
  });

  it('without a key, an address sent twice is registered twice (as before)', async () => {
    const body = address();
    const [a, b] = [await register(body, undefined), await register(body, undefined)];
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.subjectId).not.toBe(b.body.subjectId);
  });
});
