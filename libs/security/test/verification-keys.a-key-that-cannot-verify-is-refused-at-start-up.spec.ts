import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JWK } from 'jose';
import { resolveVerificationKeys, SecurityConfigError, verificationKeysFromJwks } from '#security';
import { makeTempDataDir, removeDir } from './support/security-fixtures.js';

let dir: string;
beforeAll(() => {
  dir = makeTempDataDir();
});
afterAll(() => removeDir(dir));

const random = (bytes: number) => randomBytes(bytes).toString('base64url');
const ec = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JWK;
const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }) as JWK;

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof SecurityConfigError) return error.message;
    throw error;
  }
  return 'accepted';
}

// A key that passes a shape check but cannot verify anything would let the service start and then answer every
// request 401 with nothing logged. Importing each key at start-up turns that outage into a start-up error.
describe('a verification key that cannot verify is refused at start-up', () => {
  it.each<[string, () => Record<string, unknown>]>([
    ['an EC key whose coordinates are not a point on P-256', () => ({ kty: 'EC', crv: 'P-256', x: random(32), y: random(32) })],
    ['an EC key whose y was pasted over with x', () => ({ ...ec(), y: ec().x })],
    ['an EC key with truncated coordinates', () => ({ kty: 'EC', crv: 'P-256', x: random(5), y: random(5) })],
    ['an Ed25519 key that is no key', () => ({ kty: 'OKP', crv: 'Ed25519', x: 'not-a-key' })],
    ['an RSA key whose exponent is not base64url', () => ({ ...rsa(), e: '!!' })],
  ])('%s, naming the source and the key index', (_label, broken) => {
    expect(refusal(() => verificationKeysFromJwks({ keys: [ec(), broken()] }, 'test'))).toMatch(/^test key #1: not a usable (ES256|EdDSA|RS256) public key$/);
  });

  it('a key whose key_ops do not include verify', () => {
    expect(refusal(() => verificationKeysFromJwks({ keys: [{ ...ec(), key_ops: ['encrypt'] }] }, 'test'))).toBe('test key #0: "key_ops" must include "verify"');
    expect(refusal(() => verificationKeysFromJwks({ keys: [{ ...ec(), key_ops: 'verify' }] }, 'test'))).toBe('test key #0: "key_ops" must include "verify"');
    expect(refusal(() => verificationKeysFromJwks({ keys: [{ ...ec(), key_ops: ['verify'], use: 'sig' }] }, 'test'))).toBe('accepted');
  });

  it('a mangled JWKS file stops the start naming the file and the key', async () => {
    const file = path.join(dir, 'mangled.jwks.json');
    const good = ec();
    writeFileSync(file, JSON.stringify({ keys: [good, { ...ec(), y: good.x, kid: 'idp-2026' }] }));
    await expect(resolveVerificationKeys({ mode: 'production', dataDir: dir, issuer: 'i', audience: 'a', publicKeysFile: file })).rejects.toThrow(
      new SecurityConfigError(`JWKS file ${file} key #1: not a usable ES256 public key`),
    );
  });
});
