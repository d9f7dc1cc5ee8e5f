import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, type AppHarness, type HarnessResponse } from '../support/app-harness.js';

/**
 * "Every 401 challenges with the Bearer scheme" (RFC 9110 §11.6.1, RFC 6750 §3). Our 401 answers carried no
 * `WWW-Authenticate`, so generic HTTP clients, gateways and auth middlewares that wait for the challenge to fetch
 * a fresh token did not recognise them. A request without a token is challenged with the realm only; a token
 * that was sent and refused (not valid, expired) adds `error="invalid_token"`. A 403 is no challenge: the
 * token was fine, the role is not.
 */

const METRICS_TOKEN = randomBytes(24).toString('base64url');
const CHALLENGE = 'Bearer realm="signaalroute"';
const REFUSED_TOKEN = `${CHALLENGE}, error="invalid_token"`;
let h: AppHarness;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS, env: { METRICS_TOKEN } });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const answer = (res: HarnessResponse) => ({ status: res.status, code: res.body?.code, challenge: res.headers.get('www-authenticate') });

describe('every 401 challenges with the Bearer scheme', () => {
  it('an API request without a token: the realm only', async () => {
    expect(answer(await h.request('GET', '/v1/signals'))).toEqual({ status: 401, code: 'AUTH.TOKEN_MISSING', challenge: CHALLENGE });
    expect(answer(await h.request('GET', '/v1/signals', { headers: { authorization: 'Basic dXNlcjpwdw==' } }))).toEqual({
      status: 401,
      code: 'AUTH.TOKEN_MISSING',
      challenge: CHALLENGE,
    });
  });

  it('an API request with a token that is refused: invalid_token', async () => {
    expect(answer(await h.request('GET', '/v1/signals', { token: 'a.b.c' }))).toEqual({ status: 401, code: 'AUTH.TOKEN_INVALID', challenge: REFUSED_TOKEN });
    expect(answer(await h.request('GET', '/v1/signals', { token: await h.expiredToken('coordinator', ['GM0363']) }))).toEqual({
      status: 401,
      code: 'AUTH.TOKEN_EXPIRED',
      challenge: REFUSED_TOKEN,
    });
  });

  it('/metrics behind METRICS_TOKEN: challenged the same way', async () => {
    expect(answer(await h.request('GET', '/metrics'))).toEqual({ status: 401, code: 'AUTH.TOKEN_MISSING', challenge: CHALLENGE });
    expect(answer(await h.request('GET', '/metrics', { token: 'not-the-metrics-token' }))).toEqual({ status: 401, code: 'AUTH.TOKEN_INVALID', challenge: REFUSED_TOKEN });
  });

  it('a 403 carries no challenge, nor does a 2xx', async () => {
    const coordinator = await h.token('coordinator', ['GM0363']);
    const forbidden = await h.request('POST', `/v1/audit/break-glass/${randomUUID()}/review`, { token: coordinator, body: { verdict: 'gerechtvaardigd', note: 'Mijn eigen toegang was terecht' } });
    expect(answer(forbidden)).toEqual({ status: 403, code: 'AUTH.ROLE_NOT_ALLOWED', challenge: null });
    const ok = await h.request('GET', '/metrics', { token: METRICS_TOKEN });
    expect({ status: ok.status, challenge: ok.headers.get('www-authenticate') }).toEqual({ status: 200, challenge: null });
  });
});
