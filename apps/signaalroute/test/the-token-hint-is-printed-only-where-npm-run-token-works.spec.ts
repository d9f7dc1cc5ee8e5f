import { describe, expect, it } from '@jest/globals';
import { securityOptionsFromEnv } from '#security';
import { tokenHint } from '../src/token-hint.js';

/**
 * `npm run token` mints only with the embedded key pair of a data folder. With production keys (JWT_PUBLIC_KEYS_FILE
 * or JWT_PUBLIC_KEY_PEM) `npm start` still printed it: run in that environment the CLI refused, and run as printed it
 * made a key pair of its own whose token the running app refused (401). There the tokens come from the identity
 * provider, so the start message names what they must carry instead.
 */
describe('the token hint is printed only where npm run token works', () => {
  it('on the embedded key pair, is the npm run token command', () => {
    expect(tokenHint(securityOptionsFromEnv({}))).toBe('npm run token -- --role coordinator --municipality GM0153');
  });

  it.each([
    ['a JWKS file', { JWT_PUBLIC_KEYS_FILE: '/etc/signaalroute/jwks.json' }],
    ['a PEM key', { JWT_PUBLIC_KEY_PEM: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----' }],
    ['production mode asked for', { SIGNAALROUTE_AUTH_MODE: 'production', JWT_PUBLIC_KEYS_FILE: '/etc/jwks.json' }],
  ])('with %s, names the identity provider and the issuer and audience its tokens must carry', (_what, env) => {
    const hint = tokenHint(securityOptionsFromEnv({ ...env, JWT_ISSUER: 'https://login.gemeente.nl', JWT_AUDIENCE: 'signaalroute' }));
    expect(hint).toBe('from your identity provider, with issuer "https://login.gemeente.nl" and audience "signaalroute"');
    expect(hint).not.toContain('npm run token');
  });

  it('with production keys and the default issuer and audience, names those', () => {
    expect(tokenHint(securityOptionsFromEnv({ JWT_PUBLIC_KEYS_FILE: '/etc/jwks.json' }))).toBe(
      'from your identity provider, with issuer "signaalroute" and audience "signaalroute-api"',
    );
  });
});
