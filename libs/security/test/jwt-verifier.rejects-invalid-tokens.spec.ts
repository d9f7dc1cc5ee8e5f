import { createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { base64url, decodeJwt, generateKeyPair, UnsecuredJWT } from 'jose';
import { AuthenticationError, issueToken, JwtVerifier, SigningKeys } from '#security';
import { baseClaims, makeTempDataDir, nowSeconds, removeDir, signRaw } from './support/security-fixtures.js';

let dataDir: string;
let keys: SigningKeys;
let verifier: JwtVerifier;

beforeAll(async () => {
  dataDir = makeTempDataDir();
  keys = await SigningKeys.loadOrCreate(dataDir);
  verifier = await JwtVerifier.create({ mode: 'embedded', dataDir, issuer: 'signaalroute', audience: 'signaalroute-api' });
});

afterAll(() => removeDir(dataDir));

const sign = (claims: Record<string, unknown>) => signRaw(baseClaims(claims), keys.privateKey, { alg: 'ES256', kid: keys.kid });

/** Asserts the promise rejects with an AuthenticationError of `code` whose message leaks nothing of `token`. */
async function expectRejected(promise: Promise<unknown>, code: string, token?: string, reason?: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthenticationError);
  const authError = error as AuthenticationError;
  expect(authError.code).toBe(code);
  expect(authError.httpStatus).toBe(401);
  if (reason) expect(authError.reason).toBe(reason);
  if (token) {
    for (const part of token.split('.').filter((p) => p.length > 8)) {
      expect(authError.message).not.toContain(part);
    }
  }
}

describe('JwtVerifier accepts', () => {
  it('a token issued with the embedded key and returns the principal, with the token\'s expiry', async () => {
    const token = await issueToken({ role: 'table-member', municipalities: ['GM0363', 'GM0599'], tables: ['rvt-amsterdam'], subject: 'u-42' }, keys);
    const principal = await verifier.verify(token);
    expect(principal).toEqual({
      subject: 'u-42',
      role: 'table-member',
      municipalities: ['GM0363', 'GM0599'],
      tables: ['rvt-amsterdam'],
      tokenId: expect.any(String),
      expiresAt: new Date(decodeJwt(token).exp! * 1000),
    });
    expect(Object.isFrozen(principal)).toBe(true);
  });

  it('a token whose expiry lies past what a date holds, as a principal without an expiry', async () => {
    const principal = await verifier.verify(await sign({ exp: 1e300 }));
    expect(principal).toMatchObject({ subject: 'user-1' });
    expect(principal.expiresAt).toBeUndefined();
  });

  it('a Bearer authorization header', async () => {
    const token = await issueToken({ role: 'coordinator', municipalities: ['GM0363'] }, keys);
    await expect(verifier.verifyAuthorizationHeader(`Bearer ${token}`)).resolves.toMatchObject({ role: 'coordinator', subject: 'local-coordinator' });
  });

  it('admin and auditor tokens without municipalities', async () => {
    await expect(verifier.verify(await sign({ role: 'admin', municipalities: undefined }))).resolves.toMatchObject({ role: 'admin', municipalities: [] });
    await expect(verifier.verify(await sign({ role: 'auditor', municipalities: undefined }))).resolves.toMatchObject({ role: 'auditor' });
  });

  it('a token that expired within the clock tolerance', async () => {
    await expect(verifier.verify(await sign({ exp: nowSeconds() - 5 }))).resolves.toMatchObject({ subject: 'user-1' });
  });

  it('only ES256 for the embedded key', () => {
    expect(verifier.algorithms).toEqual(['ES256']);
  });
});

describe('JwtVerifier rejects', () => {
  it('a missing token or non-bearer header with AUTH.TOKEN_MISSING', async () => {
    await expectRejected(verifier.verifyAuthorizationHeader(undefined), 'AUTH.TOKEN_MISSING');
    await expectRejected(verifier.verifyAuthorizationHeader('Basic dXNlcjpwYXNz'), 'AUTH.TOKEN_MISSING');
    await expectRejected(verifier.verify(''), 'AUTH.TOKEN_MISSING');
  });

  it('an authorization header sent twice with AUTH.HEADER_REPEATED, even when both hold the same valid token', async () => {
    const token = await sign({});
    await expectRejected(verifier.verifyAuthorizationHeader(['Bearer a.b.c', 'Bearer d.e.f']), 'AUTH.HEADER_REPEATED');
    await expectRejected(verifier.verifyAuthorizationHeader([`Bearer ${token}`, `Bearer ${token}`]), 'AUTH.HEADER_REPEATED', token);
  });

  it('an expired token with AUTH.TOKEN_EXPIRED', async () => {
    const token = await sign({ iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 });
    await expectRejected(verifier.verify(token), 'AUTH.TOKEN_EXPIRED', token, 'exp');
  });

  it('a not-yet-valid token (nbf in the future) with AUTH.TOKEN_INVALID', async () => {
    const token = await sign({ nbf: nowSeconds() + 600 });
    await expectRejected(verifier.verify(token), 'AUTH.TOKEN_INVALID', token, 'claim:nbf');
  });

  it('a token without exp with AUTH.TOKEN_INVALID', async () => {
    const token = await sign({ exp: undefined });
    await expectRejected(verifier.verify(token), 'AUTH.TOKEN_INVALID', token, 'claim:exp');
  });

  it('a wrong issuer with AUTH.TOKEN_INVALID', async () => {
    const token = await sign({ iss: 'evil-idp' });
    await expectRejected(verifier.verify(token), 'AUTH.TOKEN_INVALID', token, 'claim:iss');
  });

  it('a wrong audience with AUTH.TOKEN_INVALID', async () => {
    const token = await sign({ aud: 'other-api' });
    await expectRejected(verifier.verify(token), 'AUTH.TOKEN_INVALID', token, 'claim:aud');
  });

  it('an unsigned alg:none token with AUTH.TOKEN_INVALID', async () => {
    const token = new UnsecuredJWT(baseClaims({ role: 'admin' })).encode();
    expect(token.endsWith('.')).toBe(true);
    await expectRejected(verifier.verify(token), 'AUTH.TOKEN_INVALID', token, 'alg');
    const header = base64url.encode(JSON.stringify({ alg: 'none', kid: keys.kid }));
    const handMade = `${header}.${base64url.encode(JSON.stringify(baseClaims()))}.`;
    await expectRejected(verifier.verify(handMade), 'AUTH.TOKEN_INVALID', handMade, 'alg');
  });

  it('an HS256 token signed with the public key bytes (key confusion) with AUTH.TOKEN_INVALID', async () => {
    const pem = createPublicKey({ key: { ...keys.publicJwk }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    for (const secret of [pem, JSON.stringify(keys.publicJwk), keys.publicJwk.x as string]) {
      const token = await signRaw(baseClaims({ role: 'admin' }), new TextEncoder().encode(secret), { alg: 'HS256', kid: keys.kid });
      await expectRejected(verifier.verify(token), 'AUTH.TOKEN_INVALID', token, 'alg');
    }
  });

  it('a forged signature with AUTH.TOKEN_INVALID', async () => {
    const attacker = await generateKeyPair('ES256');
    const forged = await signRaw(baseClaims({ role: 'admin', municipalities: undefined }), attacker.privateKey, { alg: 'ES256', kid: keys.kid });
    await expectRejected(verifier.verify(forged), 'AUTH.TOKEN_INVALID', forged, 'signature');

    // A genuine token whose payload was swapped for an escalated one keeps a signature that no longer matches.
    const genuine = await sign({});
    const [header, , signature] = genuine.split('.');
    const escalated = `${header}.${base64url.encode(JSON.stringify(baseClaims({ role: 'admin' })))}.${signature}`;
    await expectRejected(verifier.verify(escalated), 'AUTH.TOKEN_INVALID', escalated, 'signature');
  });

  it('an oversized token (> 8 KiB) with AUTH.TOKEN_TOO_LARGE before verifying it', async () => {
    const token = await sign({ padding: 'x'.repeat(8 * 1024) });
    await expectRejected(verifier.verify(token), 'AUTH.TOKEN_TOO_LARGE', token, 'size');
    await expectRejected(verifier.verifyAuthorizationHeader(`Bearer ${token}`), 'AUTH.TOKEN_TOO_LARGE', token);
  });

  it('malformed tokens with AUTH.TOKEN_INVALID', async () => {
    for (const token of ['not-a-jwt', 'a.b', 'a.b.c.d.e', '{"alg":"ES256"}..']) {
      await expectRejected(verifier.verify(token), 'AUTH.TOKEN_INVALID');
    }
  });

  it.each([
    ['not CBS formatted', ['GM363']],
    ['lower case', ['gm0363']],
    ['without prefix', ['0363']],
    ['a string instead of an array', 'GM0363'],
    ['an empty list for a coordinator', []],
    ['missing for a coordinator', undefined],
    ['non-ASCII digits', ['GM０３６３']],
  ])('a municipalities claim that is %s with AUTH.CLAIMS_INVALID', async (_label, municipalities) => {
    const token = await sign({ municipalities });
    await expectRejected(verifier.verify(token), 'AUTH.CLAIMS_INVALID', token, 'municipalities');
  });

  it('role system with AUTH.CLAIMS_INVALID', async () => {
    const token = await sign({ role: 'system' });
    await expectRejected(verifier.verify(token), 'AUTH.CLAIMS_INVALID', token, 'role');
  });

  it.each([['superuser'], ['Admin'], [['admin']], [undefined]])('an unknown role %p with AUTH.CLAIMS_INVALID', async (role) => {
    const token = await sign({ role });
    await expectRejected(verifier.verify(token), 'AUTH.CLAIMS_INVALID', token, 'role');
  });

  it('a missing or empty subject and bad tables with AUTH.CLAIMS_INVALID', async () => {
    await expectRejected(verifier.verify(await sign({ sub: undefined })), 'AUTH.CLAIMS_INVALID');
    await expectRejected(verifier.verify(await sign({ sub: '' })), 'AUTH.CLAIMS_INVALID');
    await expectRejected(verifier.verify(await sign({ tables: 'rvt-1' })), 'AUTH.CLAIMS_INVALID');
    await expectRejected(verifier.verify(await sign({ tables: ['../etc'] })), 'AUTH.CLAIMS_INVALID');
  });
});

describe('issueToken', () => {
  it('refuses to mint tokens the verifier would reject', async () => {
    await expect(issueToken({ role: 'system', municipalities: ['GM0363'] }, keys)).rejects.toThrow(RangeError);
    await expect(issueToken({ role: 'coordinator', municipalities: ['GM36'] }, keys)).rejects.toThrow(RangeError);
    await expect(issueToken({ role: 'coordinator' }, keys)).rejects.toThrow(RangeError);
    await expect(issueToken({ role: 'admin', ttlSeconds: 0 }, keys)).rejects.toThrow(RangeError);
  });

  it('sets an 8 hour lifetime and a random jti by default', async () => {
    const a = await issueToken({ role: 'admin' }, keys);
    const b = await issueToken({ role: 'admin' }, keys);
    const payload = JSON.parse(Buffer.from(a.split('.')[1], 'base64url').toString()) as { exp: number; iat: number; jti: string };
    expect(payload.exp - payload.iat).toBe(8 * 3600);
    expect((await verifier.verify(a)).tokenId).not.toBe((await verifier.verify(b)).tokenId);
  });
});
