import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { validateDto } from '#platform';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { BreakGlassReviewRequestDto } from '../../apps/audit/src/break-glass/break-glass-review.request.dto.js';
import { mmaPayload, zorgmeldingPayload } from '../../apps/intake/test/support/intake-fixtures.js';
import { startApp, type AppHarness } from '../support/app-harness.js';

/**
 * Input that passed the edge's checks and then failed in PostgreSQL (a 500, or a message that blocked its
 * partition), or that went through where it should not have: each is now a 4xx with a stable code that changes
 * nothing. Found by a review of every controller. Real PostgreSQL and Kafka.
 */

let h: AppHarness;
const home = `GM${String(1000 + Math.floor(Math.random() * 8000)).padStart(4, '0')}`;
const elsewhere = home === 'GM0599' ? 'GM0363' : 'GM0599';
let connector: string;
let coordinator: string;
let admin: string;
let auditor: string;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  connector = await h.token('intake-system', [home], { subject: 'connector' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-edges' });
  admin = await h.token('admin', [home], { subject: 'admin-edges' });
  auditor = await h.token('auditor', [], { subject: 'auditor-edges' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

async function refused(send: () => Promise<{ status: number; body: { code?: string } }>, status: number, code: string): Promise<void> {
  const before = await h.countEvents();
  const res = await send();
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(await h.countEvents()).toBe(before);
}

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('an irreversible action needs a real reason', () => {
  it('an erasure whose reason is only spaces is refused (400) and erases nothing', async () => {
    const subject = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: home, name: `Jan Spatie ${randomUUID().slice(0, 6)}`, birthDate: '1970-01-01' } });
    expect(subject.status).toBe(201);
    await refused(() => h.request('POST', `/v1/subjects/${subject.body.subjectId}/erasure`, { token: admin, body: { reason: ' '.repeat(12) } }), 400, 'VALIDATION.FAILED');
    expect((await h.query('SELECT erased_at FROM subjects WHERE subject_id = $1', [subject.body.subjectId]))[0]).toEqual({ erased_at: null });
  });

  it('a break-the-glass review whose note is only spaces is refused', () => {
    expect(() => validateDto(BreakGlassReviewRequestDto, { verdict: 'terecht', note: ' '.repeat(12) })).toThrow(expect.objectContaining({ code: 'VALIDATION.FAILED' }));
  });
});

describe('dates PostgreSQL cannot store are refused at the edge', () => {
  it('a signal received in year 0000 or before 1900: 400 SIGNAL.DATE_INVALID (it used to stop the consumers behind it)', async () => {
    await refused(() => h.request('POST', '/v1/signals/mma', { token: connector, body: mmaPayload(home, { receivedAt: '0000-06-01T00:00:00Z' }) }), 400, 'SIGNAL.DATE_INVALID');
    await refused(() => h.request('POST', '/v1/signals/zorgmelding', { token: connector, body: zorgmeldingPayload(home, undefined, { receivedAt: '1899-12-31T23:00:00Z' }) }), 400, 'SIGNAL.DATE_INVALID');
  });

  it('a time filter with an offset beyond ±15:59 or in year 0000: 400 VALIDATION.FAILED', async () => {
    await refused(() => h.request('GET', `/v1/signals?receivedFrom=${encodeURIComponent('2026-01-01T00:00:00+16:00')}`, { token: coordinator }), 400, 'VALIDATION.FAILED');
    await refused(() => h.request('GET', '/v1/cases?openedFrom=0000-01-01T00:00:00Z', { token: coordinator }), 400, 'VALIDATION.FAILED');
  });

  it('a statistics period before 1970 or at the end of the calendar: 400 VALIDATION.FAILED', async () => {
    await refused(() => h.request('GET', `/v1/statistics/cases?municipality=${home}&from=1939-12-01`, { token: coordinator }), 400, 'VALIDATION.FAILED');
    await refused(() => h.request('GET', `/v1/statistics/signals?municipality=${home}&to=9999-12-31`, { token: coordinator }), 400, 'VALIDATION.FAILED');
  });
});

describe('cursors are only those the API gave out', () => {
  it('a keyset cursor with a date that does not exist: 400 VALIDATION.CURSOR_INVALID', async () => {
    const tampered = cursorOf(['2026-02-30T00:00:00Z', randomUUID()]);
    await refused(() => h.request('GET', `/v1/signals?cursor=${tampered}`, { token: coordinator }), 400, 'VALIDATION.CURSOR_INVALID');
    await refused(() => h.request('GET', `/v1/cases?cursor=${tampered}`, { token: coordinator }), 400, 'VALIDATION.CURSOR_INVALID');
    await refused(() => h.request('GET', `/v1/signals?cursor=${cursorOf(['1', randomUUID()])}`, { token: coordinator }), 400, 'VALIDATION.CURSOR_INVALID');
  });

  it('a processing-log cursor past the largest line id: 400 VALIDATION.CURSOR_INVALID', async () => {
    const huge = Buffer.from('pl:9999999999999999999').toString('base64url');
    await refused(() => h.request('GET', `/v1/audit/processing-log?actor=someone&cursor=${huge}`, { token: auditor }), 400, 'VALIDATION.CURSOR_INVALID');
  });
});

describe('bodies and parameters', () => {
  it('a body nested deeper than 128 levels: 400 VALIDATION.FAILED (it overflowed the validator: 500)', async () => {
    let deep: unknown = 'bodem';
    for (let i = 0; i < 2000; i++) deep = [deep];
    await refused(() => h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: home, name: 'Diep', extra: deep } }), 400, 'VALIDATION.FAILED');
  });

  it('disclosures of a case: the id in any case finds the case; an id that is not one is 400', async () => {
    const caseId = randomUUID();
    await h.query(
      `INSERT INTO table_disclosures (disclosure_id, subject_ref, recipient, municipality, case_id, legal_basis, processing_activity, fields, payload_sha256, event_id, disclosed_at)
       VALUES ($1, $2, 'riec', $3, $4, 'Convenant RIEC', 'riec-casus', ARRAY['caseType'], 'ab', $5, now())`,
      [randomUUID(), `case-ref-${caseId}`, home, caseId, randomUUID()],
    );
    const lower = await h.request('GET', `/v1/disclosures?caseId=${caseId}`, { token: coordinator });
    const upper = await h.request('GET', `/v1/disclosures?caseId=${caseId.toUpperCase()}`, { token: coordinator });
    expect(lower.status).toBe(200);
    expect(lower.body.items).toHaveLength(1);
    expect(upper.body).toEqual(lower.body);
    await refused(() => h.request('GET', '/v1/disclosures?caseId=not-a-case', { token: coordinator }), 400, 'VALIDATION.FAILED');
  });

  it('a misspelt query parameter is refused, not ignored: as_of for asOf gave the case as it is now', async () => {
    await refused(() => h.request('GET', `/v1/audit/cases/${randomUUID()}?as_of=2026-01-01T00:00:00Z`, { token: auditor }), 400, 'VALIDATION.FAILED');
    await refused(() => h.request('GET', `/v1/disclosures?caseId=${randomUUID()}&case=1`, { token: coordinator }), 400, 'VALIDATION.FAILED');
  });

  it('a list asked for a municipality outside the token: 403, as every other list answers', async () => {
    await refused(() => h.request('GET', `/v1/legal-holds?municipality=${elsewhere}`, { token: admin }), 403, 'AUTH.MUNICIPALITY_NOT_ALLOWED');
    await refused(() => h.request('GET', `/v1/retention/due?municipality=${elsewhere}`, { token: admin }), 403, 'AUTH.MUNICIPALITY_NOT_ALLOWED');
  });
});
