import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, waitFor, type AppHarness, type HarnessResponse } from '../../../test/support/app-harness.js';
import { INTAKE_APP, internMeldpuntPayload, mmaPayload, tag, twoMunicipalities, zorgmeldingPayload } from './support/intake-fixtures.js';

/**
 * Bad input gets a clear error and changes nothing: for each case the HTTP status, the stable problem
 * `code`, the `application/problem+json` content type, and an unchanged event count.
 */

let h: AppHarness;
const [home, elsewhere] = twoMunicipalities();
let coordinator: string;
let intakeSystem: string;
let elsewhereCoordinator: string;
let existingSignalId: string;

beforeAll(async () => {
  h = await startApp({ apps: [INTAKE_APP] });
  coordinator = await h.token('coordinator', [home]);
  intakeSystem = await h.token('intake-system', [home]);
  elsewhereCoordinator = await h.token('coordinator', [elsewhere]);
  const created = await h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body: internMeldpuntPayload(home) });
  expect(created.status).toBe(201);
  existingSignalId = created.body.signalId;
});

afterAll(async () => {
  await h?.stop();
});

/** Sends the request and checks status, problem code and content type, and that no event was appended. */
async function expectRefused(send: () => Promise<HarnessResponse>, status: number, code: string): Promise<HarnessResponse> {
  const before = await h.countEvents();
  const res = await send();
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.contentType).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(status);
  expect(await h.countEvents()).toBe(before);
  return res;
}

describe('the event count these tests rely on', () => {
  it('goes up by one for a valid signal (so an unchanged count means nothing was appended)', async () => {
    const before = await h.countEvents();
    const res = await h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: mmaPayload(home) });
    expect(res.status).toBe(201);
    expect(await h.countEvents()).toBe(before + 1);
  });
});

describe('malformed requests', () => {
  it('refuses malformed JSON with 400 HTTP.MALFORMED_JSON', async () => {
    await expectRefused(
      () => h.request('POST', '/v1/signals/mma', { token: intakeSystem, rawBody: '{"externalRef": "MMA-1", "theme": ' }),
      400,
      'HTTP.MALFORMED_JSON',
    );
  });

  it('refuses a body over 1 MiB with 413 HTTP.PAYLOAD_TOO_LARGE', async () => {
    const body = mmaPayload(home, { description: 'x'.repeat(1024 * 1024 + 1) });
    await expectRefused(() => h.request('POST', '/v1/signals/mma', { token: intakeSystem, body }), 413, 'HTTP.PAYLOAD_TOO_LARGE');
  });

  it('refuses text/plain with 415 HTTP.UNSUPPORTED_MEDIA_TYPE', async () => {
    await expectRefused(
      () => h.request('POST', '/v1/signals/mma', { token: intakeSystem, rawBody: JSON.stringify(mmaPayload(home)), headers: { 'content-type': 'text/plain' } }),
      415,
      'HTTP.UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('refuses an MMA body nested too deep to check for reporter fields with 400 SIGNAL.PAYLOAD_TOO_DEEP (fail closed)', async () => {
    let nested: unknown = { note: 'deepest' };
    for (let i = 0; i < 40; i++) nested = { level: [nested] };
    await expectRefused(() => h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: { ...mmaPayload(home), extra: nested } }), 400, 'SIGNAL.PAYLOAD_TOO_DEEP');
  });

  it('refuses a form-encoded body with 415 HTTP.UNSUPPORTED_MEDIA_TYPE (JSON only)', async () => {
    await expectRefused(
      () => h.request('POST', '/v1/signals/mma', { token: intakeSystem, rawBody: 'externalRef=MMA-1&theme=drugs', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      415,
      'HTTP.UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('refuses an unknown field with 400 VALIDATION.FAILED naming the field, not its value', async () => {
    const secret = `waarde-${tag()}`;
    const res = await expectRefused(
      () => h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body: { ...internMeldpuntPayload(home), priority: secret } }),
      400,
      'VALIDATION.FAILED',
    );
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'priority' })]));
    expect(res.text).not.toContain(secret);
  });
});

describe('text the database cannot store', () => {
  it.each([
    ['a NUL character in an intern-meldpunt indicator', '/v1/signals/intern-meldpunt', () => internMeldpuntPayload(home, undefined, { indicators: ['contant', 'a\u0000b'] }), 'indicators.1'],
    ['an unpaired surrogate in an MMA description', '/v1/signals/mma', () => ({ ...mmaPayload(home), description: 'hennep \ud800 op zolder' }), 'description'],
    ['a NUL character in a zorgmelding reporter name', '/v1/signals/zorgmelding', () => zorgmeldingPayload(home, { name: 'Piet\u0000', contact: 'piet@example.nl', relation: 'familie' }), 'reporter.name'],
  ])('refuses %s with 400 VALIDATION.FAILED naming the field', async (_what, path, body, field) => {
    const res = await expectRefused(() => h.request('POST', path, { token: intakeSystem, body: body() }), 400, 'VALIDATION.FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ path: field, constraints: ['storableText'] })]);
  });

  it('refuses such a signal alone: the signals sent at the same moment are received', async () => {
    const bad = internMeldpuntPayload(home, undefined, { indicators: ['\u0000'] });
    const answers = await Promise.all([
      h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body: bad }),
      ...Array.from({ length: 10 }, () => h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: mmaPayload(home) })),
    ]);
    expect(answers.map((a) => a.status)).toEqual([400, ...Array.from({ length: 10 }, () => 201)]);
  });
});

describe('MMA tips are anonymous', () => {
  it('refuses a reporter field at the top level with 400 SIGNAL.REPORTER_NOT_ALLOWED without echoing it', async () => {
    const name = `Jan Melder ${tag()}`;
    const res = await expectRefused(
      () => h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: { ...mmaPayload(home), reporter: { name, phone: '0612345678' } } }),
      400,
      'SIGNAL.REPORTER_NOT_ALLOWED',
    );
    expect(res.body.paths).toEqual(['$.reporter']);
    expect(res.text).not.toContain(name);
    expect(res.text).not.toContain('0612345678');
  });

  it('refuses a nested reporter field with 400 SIGNAL.REPORTER_NOT_ALLOWED without echoing it', async () => {
    const contact = `melder-${tag()}@example.nl`;
    const payload = mmaPayload(home);
    const res = await expectRefused(
      () => h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: { ...payload, location: { ...payload.location, melderEmail: contact } } }),
      400,
      'SIGNAL.REPORTER_NOT_ALLOWED',
    );
    expect(res.body.paths).toEqual(['$.location.melderEmail']);
    expect(res.text).not.toContain(contact);
  });
});

describe('business rules on the payload', () => {
  it('refuses an invalid municipality code with 400 SIGNAL.MUNICIPALITY_INVALID', async () => {
    await expectRefused(
      () => h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: mmaPayload(home, { location: { municipality: 'GM153' } }) }),
      400,
      'SIGNAL.MUNICIPALITY_INVALID',
    );
  });

  it('refuses a BSN that fails the 11-proef with 400 SIGNAL.BSN_INVALID without echoing it', async () => {
    const payload = zorgmeldingPayload(home);
    const res = await expectRefused(
      () => h.request('POST', '/v1/signals/zorgmelding', { token: intakeSystem, body: { ...payload, subject: { ...payload.subject, bsn: '123456789' } } }),
      400,
      'SIGNAL.BSN_INVALID',
    );
    expect(res.text).not.toContain('123456789');
  });

  // The reference is part of the signal's idempotency key: a blank one would make the next report sent with it a
  // "resend", answered with the first one's receipt and dropped. Every source refuses it alike.
  it.each([
    ['mma', 'only spaces', () => mmaPayload(home, { externalRef: '   ' })],
    ['intern-meldpunt', 'only spaces', () => internMeldpuntPayload(home, undefined, { externalRef: '   ' })],
    ['zorgmelding', 'only spaces', () => zorgmeldingPayload(home, undefined, { externalRef: '   ' })],
    ['mma', 'a zero-width space', () => mmaPayload(home, { externalRef: '\u200b' })],
    ['intern-meldpunt', 'a zero-width space', () => internMeldpuntPayload(home, undefined, { externalRef: '\u200b' })],
    ['zorgmelding', 'a zero-width space', () => zorgmeldingPayload(home, undefined, { externalRef: '\u200b' })],
  ])('refuses %s with an externalRef of %s: 400 SIGNAL.FIELD_INVALID, reason blank', async (source, _what, body) => {
    const res = await expectRefused(() => h.request('POST', `/v1/signals/${source}`, { token: intakeSystem, body: body() }), 400, 'SIGNAL.FIELD_INVALID');
    expect(res.body).toMatchObject({ field: 'externalRef', reason: 'blank' });
  });

  // Optional text, when given, must say something too: a name of only a zero-width space would be shown as none.
  it('refuses an optional text field of nothing visible (involved.name of a zero-width space): 400 SIGNAL.FIELD_INVALID, reason blank', async () => {
    const payload = internMeldpuntPayload(home);
    const body = { ...payload, involved: { ...payload.involved, name: '\u200b' } };
    const res = await expectRefused(() => h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body }), 400, 'SIGNAL.FIELD_INVALID');
    expect(res.body).toMatchObject({ field: 'involved.name', reason: 'blank' });
  });

  it('refuses a receivedAt in the future with 400 SIGNAL.DATE_IN_FUTURE', async () => {
    const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString();
    await expectRefused(
      () => h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: mmaPayload(home, { receivedAt: tomorrow }) }),
      400,
      'SIGNAL.DATE_IN_FUTURE',
    );
  });
});

describe('authentication and authorisation', () => {
  it('refuses a request without a token with 401 AUTH.TOKEN_MISSING', async () => {
    await expectRefused(() => h.request('POST', '/v1/signals/mma', { body: mmaPayload(home) }), 401, 'AUTH.TOKEN_MISSING');
  });

  it('refuses an expired token with 401 AUTH.TOKEN_EXPIRED', async () => {
    const expired = await h.expiredToken('intake-system', [home]);
    await expectRefused(() => h.request('POST', '/v1/signals/mma', { token: expired, body: mmaPayload(home) }), 401, 'AUTH.TOKEN_EXPIRED');
  });

  it('refuses a police liaison posting a signal with 403 AUTH.ROLE_NOT_ALLOWED', async () => {
    const police = await h.token('police-liaison', [home]);
    await expectRefused(() => h.request('POST', '/v1/signals/mma', { token: police, body: mmaPayload(home) }), 403, 'AUTH.ROLE_NOT_ALLOWED');
  });

  it(`refuses a coordinator of another municipality posting a signal with 403 AUTH.MUNICIPALITY_NOT_ALLOWED`, async () => {
    await expectRefused(
      () => h.request('POST', '/v1/signals/intern-meldpunt', { token: elsewhereCoordinator, body: internMeldpuntPayload(home) }),
      403,
      'AUTH.MUNICIPALITY_NOT_ALLOWED',
    );
  });

  it("answers a coordinator reading another municipality's signal with 404 SIGNAL.NOT_FOUND", async () => {
    await expectRefused(() => h.request('GET', `/v1/signals/${existingSignalId}`, { token: elsewhereCoordinator }), 404, 'SIGNAL.NOT_FOUND');
    // The same answer as for an id that does not exist at all, so ids cannot be probed.
    await expectRefused(() => h.request('GET', '/v1/signals/00000000-0000-4000-8000-000000000000', { token: elsewhereCoordinator }), 404, 'SIGNAL.NOT_FOUND');
    // The home coordinator does see it (once the projection has it): the 404 above is about the municipality.
    await waitFor(async () => (await h.request('GET', `/v1/signals/${existingSignalId}`, { token: coordinator })).status === 200, { what: 'the signal in the home triage queue' });
  });

  it("refuses a coordinator listing another municipality's queue with 403 AUTH.MUNICIPALITY_NOT_ALLOWED", async () => {
    await expectRefused(() => h.request('GET', `/v1/signals?municipality=${elsewhere}`, { token: coordinator }), 403, 'AUTH.MUNICIPALITY_NOT_ALLOWED');
  });
});

describe('triage queue filters', () => {
  it.each([
    ['limit=0', 'VALIDATION.FAILED'],
    ['limit=201', 'VALIDATION.FAILED'],
    ['limit=ten', 'VALIDATION.FAILED'],
    ['source=fax', 'VALIDATION.FAILED'],
    ['status=klaar', 'VALIDATION.FAILED'],
    ['receivedFrom=gisteren', 'VALIDATION.FAILED'],
    ['receivedTo=2026-13-01T00:00:00Z', 'VALIDATION.FAILED'],
    // Without an offset the database would read it in its own time zone: a window off by an hour or two.
    ['receivedFrom=2026-11-20', 'VALIDATION.FAILED'],
    ['receivedFrom=2026-11-20T10:00', 'VALIDATION.FAILED'],
    ['municipality=GM1', 'VALIDATION.FAILED'],
    ['colour=red', 'VALIDATION.FAILED'],
    ['cursor=bm90LWEtY3Vyc29y', 'VALIDATION.CURSOR_INVALID'],
  ])('refuses ?%s with 400 %s', async (query, code) => {
    await expectRefused(() => h.request('GET', `/v1/signals?${query}`, { token: coordinator }), 400, code);
  });

  it('accepts valid filters (the refusals above are about the values)', async () => {
    const res = await h.request('GET', `/v1/signals?limit=10&source=intern-meldpunt&status=nieuw&municipality=${home}&receivedFrom=2020-01-01T00:00:00Z&receivedTo=${encodeURIComponent('2099-01-01T00:00:00+01:00')}`, { token: coordinator });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.items)).toBe(true);
  });
});
