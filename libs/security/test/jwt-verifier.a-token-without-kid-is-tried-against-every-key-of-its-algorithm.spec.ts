import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import { AuthenticationError, JwtVerifier, MAX_KEYS_WITHOUT_KID, verificationKeysFromJwks } from '#security';
import { baseClaims, signRaw } from './support/security-fixtures.js';

async function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'accepted',
    (e: unknown) => (e instanceof AuthenticationError ? `${e.code} ${e.reason}` : `unexpected ${String(e)}`),
  );
}

// During a key rotation the old and the new key are published together. An issuer that sends no kid must keep
// working with both: each key of the token's algorithm is tried, and the first that verifies wins.
describe('a token without kid is tried against every key of its algorithm', () => {
  it('accepts tokens from each of two keys without kid, and refuses a third key\'s token as a bad signature', async () => {
    const [previous, current, stranger] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256'), generateKeyPair('ES256')]);
    const verifier = new JwtVerifier(verificationKeysFromJwks({ keys: [await exportJWK(previous.publicKey), await exportJWK(current.publicKey)] }, 'test'));

    expect(await outcome(verifier.verify(await signRaw(baseClaims(), previous.privateKey, { alg: 'ES256' })))).toBe('accepted');
    expect(await outcome(verifier.verify(await signRaw(baseClaims(), current.privateKey, { alg: 'ES256' })))).toBe('accepted');
    expect(await outcome(verifier.verify(await signRaw(baseClaims(), stranger.privateKey, { alg: 'ES256' })))).toBe('AUTH.TOKEN_INVALID signature');
  });

  it('tries keys that have a kid when the token names none', async () => {
    const [previous, current] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('RS256')]);
    const verifier = new JwtVerifier(
      verificationKeysFromJwks(
        { keys: [{ ...(await exportJWK(previous.publicKey)), kid: 'old' }, { ...(await exportJWK(current.publicKey)), kid: 'new' }] },
        'test',
      ),
    );

    expect(await outcome(verifier.verify(await signRaw(baseClaims(), previous.privateKey, { alg: 'RS256' })))).toBe('accepted');
    expect(await outcome(verifier.verify(await signRaw(baseClaims(), current.privateKey, { alg: 'RS256' })))).toBe('accepted');
  });

  it('still applies the claim checks once a key verifies', async () => {
    const [previous, current] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('ES256')]);
    const verifier = new JwtVerifier(verificationKeysFromJwks({ keys: [await exportJWK(previous.publicKey), await exportJWK(current.publicKey)] }, 'test'));

    expect(await outcome(verifier.verify(await signRaw(baseClaims({ aud: 'another-api' }), current.privateKey, { alg: 'ES256' })))).toBe(
      'AUTH.TOKEN_INVALID claim:aud',
    );
    expect(await outcome(verifier.verify(await signRaw(baseClaims({ exp: undefined }), current.privateKey, { alg: 'ES256' })))).toBe(
      'AUTH.TOKEN_INVALID claim:exp',
    );
  });

  it(`is refused (reason key) when its algorithm has more than ${MAX_KEYS_WITHOUT_KID} keys, so a forged token cannot cost a signature check per key`, async () => {
    const pairs = await Promise.all(Array.from({ length: MAX_KEYS_WITHOUT_KID + 1 }, () => generateKeyPair('ES256')));
    const jwks = async (n: number) => ({ keys: await Promise.all(pairs.slice(0, n).map(async (p, i) => ({ ...(await exportJWK(p.publicKey)), kid: `k${i}` }))) });
    const enough = new JwtVerifier(verificationKeysFromJwks(await jwks(MAX_KEYS_WITHOUT_KID), 'test'));
    const tooMany = new JwtVerifier(verificationKeysFromJwks(await jwks(MAX_KEYS_WITHOUT_KID + 1), 'test'));
    const last = pairs[MAX_KEYS_WITHOUT_KID - 1]!.privateKey;

    expect(await outcome(enough.verify(await signRaw(baseClaims(), last, { alg: 'ES256' })))).toBe('accepted');
    expect(await outcome(tooMany.verify(await signRaw(baseClaims(), last, { alg: 'ES256' })))).toBe('AUTH.TOKEN_INVALID key');
    // Naming its key, the same token verifies against the larger set.
    expect(await outcome(tooMany.verify(await signRaw(baseClaims(), last, { alg: 'ES256', kid: `k${MAX_KEYS_WITHOUT_KID - 1}` })))).toBe('accepted');
  });
});
