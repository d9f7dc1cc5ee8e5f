import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import { AuthenticationError, JwtVerifier, verificationKeysFromJwks, verificationKeysFromPem } from '#security';
import { baseClaims, signRaw } from './support/security-fixtures.js';

/** The code and reason a verification ends with: `accepted`, or the refusal. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'accepted',
    (e: unknown) => (e instanceof AuthenticationError ? `${e.code} ${e.reason}` : `unexpected ${String(e)}`),
  );
}

// Identity providers (Keycloak, Entra ID, Auth0) always name their key in the token header, while a PEM key
// (and many hand-written JWKS files) has no key id at all. A key without an id speaks for any id.
describe('a token naming a key id is verified by a configured key without one', () => {
  it('JWT_PUBLIC_KEY_PEM verifies tokens naming any kid, and still refuses another key\'s signature', async () => {
    const idp = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const verifier = new JwtVerifier(verificationKeysFromPem(idp.publicKey.export({ type: 'spki', format: 'pem' }).toString()));

    expect(await outcome(verifier.verify(await signRaw(baseClaims(), idp.privateKey, { alg: 'ES256', kid: 'idp-key-2026' })))).toBe('accepted');
    expect(await outcome(verifier.verify(await signRaw(baseClaims(), idp.privateKey, { alg: 'ES256' })))).toBe('accepted');
    expect(await outcome(verifier.verify(await signRaw(baseClaims(), stranger.privateKey, { alg: 'ES256', kid: 'idp-key-2026' })))).toBe(
      'AUTH.TOKEN_INVALID signature',
    );
  });

  it('a JWKS key without kid verifies a token naming a kid, next to a key whose kid is another', async () => {
    const named = await generateKeyPair('RS256');
    const unnamed = await generateKeyPair('RS256');
    const verifier = new JwtVerifier(
      verificationKeysFromJwks({ keys: [{ ...(await exportJWK(named.publicKey)), kid: 'rsa-1' }, await exportJWK(unnamed.publicKey)] }, 'test'),
    );

    expect(await outcome(verifier.verify(await signRaw(baseClaims(), unnamed.privateKey, { alg: 'RS256', kid: 'kc-rotated' })))).toBe('accepted');
    expect(await outcome(verifier.verify(await signRaw(baseClaims(), named.privateKey, { alg: 'RS256', kid: 'rsa-1' })))).toBe('accepted');
  });

  it('a key whose kid is another does not verify a token naming a kid', async () => {
    const named = await generateKeyPair('ES256');
    const verifier = new JwtVerifier(verificationKeysFromJwks({ keys: [{ ...(await exportJWK(named.publicKey)), kid: 'ec-1' }] }, 'test'));

    expect(await outcome(verifier.verify(await signRaw(baseClaims(), named.privateKey, { alg: 'ES256', kid: 'ec-2' })))).toBe('AUTH.TOKEN_INVALID key');
  });
});
