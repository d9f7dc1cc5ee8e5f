import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuthenticationError, JwtVerifier, principalFromClaims, SigningKeys } from '#security';
import { baseClaims, makeTempDataDir, removeDir, signRaw } from './support/security-fixtures.js';

/**
 * A token's `sub` becomes the actor the ledger and the processing log name. It must be something a reader can see,
 * on one line: a subject of only invisible characters names nobody, and a line or paragraph separator or a C1
 * control character (U+0080–U+009F: NEL among them, a line break to many log readers) can forge a line of its own
 * in a log. Only C0 controls and DEL were refused; these passed. Refused as `AUTH.CLAIMS_INVALID` (reason `sub`),
 * like every other bad claim, through the verifier as through the claims rule the token CLI also uses.
 */

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

const refused: [string, string][] = [
  ['a C1 control character (NEL)', 'anna\u0085admin'],
  ['a C1 control character (CSI)', 'anna\u009b31m'],
  ['a line separator', 'anna\u2028role=admin'],
  ['a paragraph separator', 'anna\u2029role=admin'],
  ['a right-to-left override, which shows what follows reversed', 'ada\u202enimda'],
  ['a left-to-right embedding', 'ada\u202aadmin\u202c'],
  ['a first-strong isolate', 'ada\u2068admin\u2069'],
  ['only a zero-width space', '\u200b'],
  ['only invisible characters', '\u200b\u2060\ufeff\u200e'],
  ['only a braille blank', '\u2800'],
];

describe('a token subject', () => {
  it.each(refused)('with %s is refused: AUTH.CLAIMS_INVALID, reason sub', async (_what, sub) => {
    expect(principalFromClaims({ sub, role: 'coordinator', municipalities: ['GM0153'] })).toMatchObject({ ok: false, problem: 'sub' });
    const error = await verifier.verify(await sign({ sub })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ code: 'AUTH.CLAIMS_INVALID', reason: 'sub' });
  });

  it.each([
    ['plain', 'user-1'],
    ['with an accent and a space inside', 'José van Dijk'],
    ['an e-mail address', 'a.jansen@gemeente.nl'],
    ['an Arabic name after a right-to-left mark', '\u200fمحمد'],
    ['an emoji joined by a zero-width joiner', 'team-👩\u200d💻'],
  ])('that is %s is accepted as it is', async (_what, sub) => {
    await expect(verifier.verify(await sign({ sub }))).resolves.toMatchObject({ subject: sub });
  });
});
