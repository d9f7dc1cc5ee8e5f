import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { issueToken, JwtVerifier, SecurityConfigError, SigningKeys } from '#security';
import { makeTempDataDir, removeDir } from './support/security-fixtures.js';

const posix = process.platform !== 'win32';
let dataDir: string;

beforeEach(() => {
  dataDir = makeTempDataDir();
});
afterEach(() => removeDir(dataDir));

describe('SigningKeys', () => {
  it('generates an ES256 key pair on first use and stores it in <dataDir>/keys', async () => {
    const keys = await SigningKeys.loadOrCreate(dataDir);
    const { privateKeyFile, publicKeyFile } = SigningKeys.paths(dataDir);
    expect(privateKeyFile).toBe(path.join(dataDir, 'keys', 'jwt-signing.private.jwk.json'));
    expect(publicKeyFile).toBe(path.join(dataDir, 'keys', 'jwt-signing.public.jwk.json'));

    const stored = JSON.parse(readFileSync(publicKeyFile, 'utf8')) as Record<string, unknown>;
    expect(stored).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: keys.kid });
    expect(stored).not.toHaveProperty('d');
    expect(JSON.parse(readFileSync(privateKeyFile, 'utf8'))).toHaveProperty('d');
    expect(keys.publicJwk).not.toHaveProperty('d');
    if (posix) expect(statSync(privateKeyFile).mode & 0o777).toBe(0o600);
  });

  it('reuses the same key across two loads, so tokens survive a restart', async () => {
    const first = await SigningKeys.loadOrCreate(dataDir);
    const token = await issueToken({ role: 'coordinator', municipalities: ['GM0363'] }, first);

    const second = await SigningKeys.loadOrCreate(dataDir);
    expect(second.kid).toBe(first.kid);
    expect(second.publicJwk).toEqual(first.publicJwk);

    const restarted = await JwtVerifier.create({ mode: 'embedded', dataDir, issuer: 'signaalroute', audience: 'signaalroute-api' });
    await expect(restarted.verify(token)).resolves.toMatchObject({ role: 'coordinator' });
  });

  it('ends up with one key when several loaders start at once', async () => {
    const loaded = await Promise.all(Array.from({ length: 8 }, () => SigningKeys.loadOrCreate(dataDir)));
    expect(new Set(loaded.map((k) => k.kid)).size).toBe(1);

    // Every loader can sign tokens the others (and a later restart) accept.
    const verifier = await JwtVerifier.create({ mode: 'embedded', dataDir, issuer: 'signaalroute', audience: 'signaalroute-api' });
    for (const keys of loaded) {
      await expect(verifier.verify(await issueToken({ role: 'admin' }, keys))).resolves.toMatchObject({ role: 'admin' });
    }
    expect(readdirSync(path.join(dataDir, 'keys')).sort()).toEqual(['jwt-signing.private.jwk.json', 'jwt-signing.public.jwk.json']);
  });

  (posix ? it : it.skip)('tightens a private key file that others can read back to 0600', async () => {
    await SigningKeys.loadOrCreate(dataDir);
    const { privateKeyFile } = SigningKeys.paths(dataDir);
    chmodSync(privateKeyFile, 0o644);
    await SigningKeys.loadOrCreate(dataDir);
    expect(statSync(privateKeyFile).mode & 0o777).toBe(0o600);
  });

  it('refuses a corrupt key file instead of silently replacing the key', async () => {
    await SigningKeys.loadOrCreate(dataDir);
    const { privateKeyFile } = SigningKeys.paths(dataDir);
    writeFileSync(privateKeyFile, '{not json');
    await expect(SigningKeys.loadOrCreate(dataDir)).rejects.toThrow(SecurityConfigError);
    writeFileSync(privateKeyFile, JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }));
    await expect(SigningKeys.loadOrCreate(dataDir)).rejects.toThrow(SecurityConfigError);
    expect(existsSync(privateKeyFile)).toBe(true);
  });
});
