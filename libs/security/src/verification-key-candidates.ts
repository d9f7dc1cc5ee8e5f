import type { VerificationKey } from './verification-keys.js';

/** The most keys of one algorithm a token without `kid` is tried against; with more, it is refused (reason `key`). */
export const MAX_KEYS_WITHOUT_KID = 4;

/**
 * The keys a token may have been signed with, in the order to try them: keys of the token's algorithm whose
 * `kid` is the token's first, then keys of that algorithm without a `kid`. A token without `kid` gets every key
 * of its algorithm, when there are at most {@link MAX_KEYS_WITHOUT_KID} (none otherwise). A key without `kid` speaks for any `kid`: a PEM key has none, while identity providers
 * (Keycloak, Entra ID) always name one. The signature is still checked against each candidate, so a wider
 * choice of keys trusts no key that was not configured.
 */
export function candidateKeys(keys: readonly VerificationKey[], alg: string, kid: string | undefined): VerificationKey[] {
  const ofAlgorithm = keys.filter((key) => key.alg === alg);
  // Each candidate costs a signature check, and a failed token is not cached: a forged token without kid against a
  // hundred keys took 48 ms of CPU. A rotation publishes two or three keys at once; more than that needs tokens that
  // name their key.
  if (kid === undefined) return ofAlgorithm.length <= MAX_KEYS_WITHOUT_KID ? ofAlgorithm : [];
  return [...ofAlgorithm.filter((key) => key.kid === kid), ...ofAlgorithm.filter((key) => key.kid === undefined)];
}
