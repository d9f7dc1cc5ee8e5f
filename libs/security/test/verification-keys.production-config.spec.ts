import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import type { JWK } from 'jose';
import {
  AuthenticationError,
  issueToken,
  JwtVerifier,
  resolveVerificationKeys,
  SecurityConfigError,
  securityOptionsFromEnv,
  SigningKeys,
  verificationKeysFromJwks,
  verificationKeysFromPem,
} from '#security';
import { baseClaims, makeTempDataDir, removeDir, signRaw } from './support/security-fixtures.js';

let dir: string;
beforeAll(() => {
  dir = makeTempDataDir();
});
afterAll(() => removeDir(dir));

const production = (extra: { publicKeysFile?: string; publicKeyPem?: string }) =>
  JwtVerifier.create({ mode: 'production', dataDir: path.join(dir, 'data'), issuer: 'signaalroute', audience: 'signaalroute-api', ...extra });

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (e: unknown) => (e instanceof AuthenticationError ? e.code : `unexpected:${String(e)}`),
  );
}

describe('production verification keys', () => {
  it('verifies RS256 and ES256 tokens from a JWKS file and needs no private key', async () => {
    const rsa = await generateKeyPair('RS256');
    const ec = await generateKeyPair('ES256');
    const file = path.join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [{ ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1' }, { ...(await exportJWK(ec.publicKey)), kid: 'ec-1' }] }));

    const verifier = await production({ publicKeysFile: file });
    expect([...verifier.algorithms].sort()).toEqual(['ES256', 'RS256']);
    await expect(verifier.verify(await signRaw(baseClaims(), rsa.privateKey, { alg: 'RS256', kid: 'rsa-1' }))).resolves.toMatchObject({ role: 'coordinator' });
    await expect(verifier.verify(await signRaw(baseClaims(), ec.privateKey, { alg: 'ES256', kid: 'ec-1' }))).resolves.toMatchObject({ role: 'coordinator' });
    expect(existsSync(path.join(dir, 'data', 'keys'))).toBe(false);

    // The embedded key of some data folder is not trusted in production.
    const embedded = await SigningKeys.loadOrCreate(path.join(dir, 'other'));
    expect(await codeOf(verifier.verify(await issueToken({ role: 'admin' }, embedded)))).toBe('AUTH.TOKEN_INVALID');
  });

  it('rejects HS256 signed with the RSA public key PEM (key confusion)', async () => {
    const rsa = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(rsa.publicKey);
    const verifier = new JwtVerifier(verificationKeysFromJwks({ keys: [jwk] }, 'test'));
    const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    const token = await signRaw(baseClaims({ role: 'admin' }), new TextEncoder().encode(pem), { alg: 'HS256' });
    expect(await codeOf(verifier.verify(token))).toBe('AUTH.TOKEN_INVALID');
  });

  it('accepts Ed25519 keys as EdDSA', async () => {
    const ed = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const verifier = new JwtVerifier(verificationKeysFromJwks({ keys: [await exportJWK(ed.publicKey)] }, 'test'));
    expect(verifier.algorithms).toEqual(['EdDSA']);
    await expect(verifier.verify(await signRaw(baseClaims(), ed.privateKey, { alg: 'EdDSA' }))).resolves.toMatchObject({ subject: 'user-1' });
  });

  it('accepts a single SPKI PEM and refuses a private key PEM', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const verifier = await production({ publicKeyPem: pem.replace(/\n/g, '\\n') });
    const token = await signRaw(baseClaims(), privateKey, { alg: 'ES256' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'user-1' });

    expect(() => verificationKeysFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toThrow(SecurityConfigError);
  });

  it.each<[string, JWK | Record<string, unknown>]>([
    ['a private EC key', { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' }],
    ['a symmetric key', { kty: 'oct', k: 'c2VjcmV0' }],
    ['an EC key on another curve', { kty: 'EC', crv: 'P-384', x: 'x', y: 'y' }],
    ['a short RSA key', { kty: 'RSA', n: Buffer.alloc(128, 1).toString('base64url'), e: 'AQAB' }],
    ['an EC key pinned to HS256', { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', alg: 'HS256' }],
    ['an encryption key', { kty: 'EC', crv: 'P-256', x: 'x', y: 'y', use: 'enc' }],
  ])('refuses a key set holding %s', (_label, key) => {
    expect(() => verificationKeysFromJwks({ keys: [key] }, 'test')).toThrow(SecurityConfigError);
  });

  it('fails at startup without configured keys, or with a broken JWKS file', async () => {
    await expect(resolveVerificationKeys({ mode: 'production', dataDir: dir, issuer: 'i', audience: 'a' })).rejects.toThrow(SecurityConfigError);
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{"keys": 1}');
    await expect(production({ publicKeysFile: file })).rejects.toThrow(SecurityConfigError);
    await expect(production({ publicKeysFile: path.join(dir, 'missing.json') })).rejects.toThrow(SecurityConfigError);
  });

  it('reads its options from the environment, production when keys are configured', () => {
    expect(securityOptionsFromEnv({})).toEqual({ mode: 'embedded', dataDir: './.signaalroute', issuer: 'signaalroute', audience: 'signaalroute-api' });
    expect(securityOptionsFromEnv({ JWT_PUBLIC_KEYS_FILE: '/etc/jwks.json', SIGNAALROUTE_DATA_DIR: '/data' })).toMatchObject({
      mode: 'production',
      dataDir: '/data',
      publicKeysFile: '/etc/jwks.json',
    });
    expect(() => securityOptionsFromEnv({ SIGNAALROUTE_AUTH_MODE: 'off' })).toThrow(SecurityConfigError);
  });
});
