import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { candidateKeys, type VerificationKey } from '#security';

const key = (alg: VerificationKey['alg'], kid?: string): VerificationKey => ({
  alg,
  key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey,
  ...(kid === undefined ? {} : { kid }),
});

// Keys without kid may be many (a hand-written JWKS); the key the token names is the likely signer, so it is
// tried first and a valid token costs one verification.
describe('a key the token names is tried before keys without kid', () => {
  const unnamed = key('ES256');
  const named = key('ES256', 'idp-1');
  const other = key('ES256', 'idp-2');
  const rsa = key('RS256');
  const keys = [unnamed, other, named, rsa];
  // By position: two KeyObjects compare equal in toEqual whatever key they hold.
  const tried = (alg: string, kid: string | undefined) => candidateKeys(keys, alg, kid).map((candidate) => keys.indexOf(candidate));

  it('orders exact kid matches first, then keys without kid, and never keys naming another kid or algorithm', () => {
    expect(tried('ES256', 'idp-1')).toEqual([2, 0]);
    expect(tried('ES256', 'unknown')).toEqual([0]);
  });

  it('gives every key of the algorithm, in configured order, to a token without kid', () => {
    expect(tried('ES256', undefined)).toEqual([0, 1, 2]);
    expect(tried('EdDSA', undefined)).toEqual([]);
  });
});
