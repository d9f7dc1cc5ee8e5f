import { jest } from '@jest/globals';
import { JwtVerifier, SigningKeys } from '#security';
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
afterEach(() => jest.useRealTimers());

describe('verified-token cache', () => {
  it('a token verified once is refused once it expires, even though it is cached', async () => {
    const token = await signRaw(baseClaims({ exp: nowSeconds() + 60 }), keys.privateKey, { alg: 'ES256', kid: keys.kid });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
    await expect(verifier.verify(token)).resolves.toMatchObject({ subject: 'user-1' });
    jest.useFakeTimers({ now: Date.now() + 120_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'AUTH.TOKEN_EXPIRED' });
  });

  it('a tampered copy of a cached token is not served from the cache', async () => {
    const token = await signRaw(baseClaims(), keys.privateKey, { alg: 'ES256', kid: keys.kid });
    await verifier.verify(token);
    const [h, p, s] = token.split('.');
    const otherPayload = Buffer.from(JSON.stringify(baseClaims({ role: 'admin' }))).toString('base64url');
    await expect(verifier.verify(`${h}.${otherPayload}.${s}`)).rejects.toMatchObject({ code: 'AUTH.TOKEN_INVALID' });
    expect(p).not.toBe(otherPayload);
  });
});
