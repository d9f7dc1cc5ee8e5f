import type { VerificationKey } from './verification-keys.js';

/**
 * The keys a token may have been signed with, in the order to try them: keys of the token's algorithm whose
 * `kid` is the token's first, then keys of that algorithm without a `kid`. A token without `kid` gets every key
 * of its algorithm. A key without `kid` speaks for any `kid`: a PEM key has none, while identity providers
 * (Keycloak, Entra ID) always name one. The signature is still checked against each candidate, so a wider
 * choice of keys trusts no key that was not configured.
 */
export function candidateKeys(keys: readonly VerificationKey[], alg: string, kid: string | undefined): VerificationKey[] {
  const ofAlgorithm = keys.filter((key) => key.alg === alg);
  if (kid === undefined) return ofAlgorithm;
  return [...ofAlgorithm.filter((key) => key.kid === kid), ...ofAlgorithm.filter((key) => key.kid === undefined)];
}
