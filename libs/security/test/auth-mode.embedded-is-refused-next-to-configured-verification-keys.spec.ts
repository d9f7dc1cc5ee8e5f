import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import { JwtVerifier, SecurityConfigError, securityOptionsFromEnv } from '#security';
import { makeTempDataDir, removeDir } from './support/security-fixtures.js';

/**
 * A leftover `SIGNAALROUTE_AUTH_MODE=embedded` next to production verification keys must stop the start (and the
 * token CLI): otherwise the keys are never read, the data folder's key pair is trusted, and `npm run token` mints
 * admin tokens the server accepts.
 */
let dir: string;
let jwksFile: string;
let pem: string;
beforeAll(async () => {
  dir = makeTempDataDir();
  jwksFile = path.join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [await exportJWK((await generateKeyPair('ES256')).publicKey)] }));
  pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
});
afterAll(() => removeDir(dir));

/** The SecurityConfigError message `fn` throws (fails the test when it throws nothing or something else). */
function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecurityConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a SecurityConfigError, nothing was thrown');
}

describe('SIGNAALROUTE_AUTH_MODE', () => {
  it('refuses "embedded" next to JWT_PUBLIC_KEYS_FILE, naming both variables', () => {
    const message = refusal(() => securityOptionsFromEnv({ SIGNAALROUTE_AUTH_MODE: 'embedded', JWT_PUBLIC_KEYS_FILE: jwksFile }));
    expect(message).toContain('SIGNAALROUTE_AUTH_MODE');
    expect(message).toContain('JWT_PUBLIC_KEYS_FILE');
  });

  it('refuses "embedded" next to JWT_PUBLIC_KEY_PEM, naming both variables', () => {
    const message = refusal(() => securityOptionsFromEnv({ SIGNAALROUTE_AUTH_MODE: ' embedded ', JWT_PUBLIC_KEY_PEM: pem }));
    expect(message).toContain('SIGNAALROUTE_AUTH_MODE');
    expect(message).toContain('JWT_PUBLIC_KEY_PEM');
  });

  it('refuses an unknown mode, naming the variable', () => {
    for (const mode of ['off', 'Embedded', 'prod', 'none']) {
      expect(refusal(() => securityOptionsFromEnv({ SIGNAALROUTE_AUTH_MODE: mode }))).toContain('SIGNAALROUTE_AUTH_MODE');
    }
  });

  it('still takes "embedded" without keys, and "production" (or no mode) with keys', () => {
    expect(securityOptionsFromEnv({ SIGNAALROUTE_AUTH_MODE: 'embedded' }).mode).toBe('embedded');
    expect(securityOptionsFromEnv({ SIGNAALROUTE_AUTH_MODE: 'production', JWT_PUBLIC_KEYS_FILE: jwksFile })).toMatchObject({ mode: 'production', publicKeysFile: jwksFile });
    expect(securityOptionsFromEnv({ JWT_PUBLIC_KEY_PEM: pem }).mode).toBe('production');
  });

  it('never builds a verifier that trusts the embedded key pair when verification keys are configured', async () => {
    const options = { mode: 'embedded' as const, dataDir: path.join(dir, 'data'), issuer: 'signaalroute', audience: 'signaalroute-api' };
    await expect(JwtVerifier.create({ ...options, publicKeysFile: jwksFile })).rejects.toThrow(SecurityConfigError);
    await expect(JwtVerifier.create({ ...options, publicKeyPem: pem })).rejects.toThrow(/JWT_PUBLIC_KEY_PEM/);
  });
});
