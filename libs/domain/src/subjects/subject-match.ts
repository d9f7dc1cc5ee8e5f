import { identityKeys, type IdentityKeys, type SubjectIdentity } from './subject-identity.js';

/** Why a subject is suggested for a signal. */
export const MATCH_REASONS = ['bsn', 'kvk', 'name+birthDate', 'address'] as const;
export type MatchReason = (typeof MATCH_REASONS)[number];

/**
 * How strongly each reason alone points at the same subject. A BSN identifies a person and a KvK number
 * a business; name with birth date is nearly as good; an address says "lives or sits there", weaker still,
 * and weaker again when no postcode confirms which street of that name is meant.
 */
export const MATCH_WEIGHTS = {
  bsn: 100,
  kvk: 90,
  'name+birthDate': 80,
  address: 60,
  addressWithoutPostcode: 45,
} as const;

/** Added per further reason on top of the strongest one, so more agreement ranks higher. */
export const MATCH_EXTRA_REASON_BONUS = 5;

/** A registered subject as matching sees it. */
export interface RegisteredSubject extends SubjectIdentity {
  subjectId: string;
}

/** One suggested subject: the higher the score, the surer. `reasons` strongest first. */
export interface SubjectSuggestion {
  subjectId: string;
  score: number;
  reasons: MatchReason[];
}

/** Reasons and score of one comparison, or null when the two are not (or cannot be) the same subject. */
export interface MatchResult {
  score: number;
  reasons: MatchReason[];
}

/**
 * Compares two identities. Symmetric: `matchIdentities(a, b)` equals `matchIdentities(b, a)`. Rules:
 *  - kinds must agree when both are known (a business is never suggested for a person);
 *  - different BSNs, or different KvK numbers, mean different subjects whatever else agrees (veto);
 *  - `bsn`: the same valid BSN; `kvk`: the same KvK number;
 *  - `name+birthDate`: the same normalised name and the same birth date;
 *  - `address`: with a postcode on both sides, the same postcode and the same house number with the same addition
 *    (a postcode and house number identify an address in the Netherlands; `12`, `12a` and `12-1` are different
 *    dwellings: see `houseNumberOf`), or the same normalised address when a side has no house number; without a
 *    postcode on one side, the same normalised address with a house number in it.
 *    Different postcodes never match.
 */
export function matchIdentities(a: SubjectIdentity, b: SubjectIdentity): MatchResult | null {
  return matchKeys(identityKeys(a), identityKeys(b));
}

/** {@link matchIdentities} on identities normalised once with `identityKeys` (for ranking many subjects). */
export function matchKeys(a: IdentityKeys, b: IdentityKeys): MatchResult | null {
  if (a.kind !== null && b.kind !== null && a.kind !== b.kind) return null;
  if (a.bsn !== null && b.bsn !== null && a.bsn !== b.bsn) return null;
  if (a.kvkNumber !== null && b.kvkNumber !== null && a.kvkNumber !== b.kvkNumber) return null;

  const found: { reason: MatchReason; weight: number }[] = [];
  if (a.bsn !== null && a.bsn === b.bsn) found.push({ reason: 'bsn', weight: MATCH_WEIGHTS.bsn });
  if (a.kvkNumber !== null && a.kvkNumber === b.kvkNumber) found.push({ reason: 'kvk', weight: MATCH_WEIGHTS.kvk });
  if (a.name !== null && a.birthDate !== null && a.name === b.name && a.birthDate === b.birthDate) {
    found.push({ reason: 'name+birthDate', weight: MATCH_WEIGHTS['name+birthDate'] });
  }
  const address = addressWeight(a, b);
  if (address !== null) found.push({ reason: 'address', weight: address });
  if (found.length === 0) return null;

  found.sort((x, y) => y.weight - x.weight);
  return { score: found[0]!.weight + MATCH_EXTRA_REASON_BONUS * (found.length - 1), reasons: found.map((f) => f.reason) };
}

function addressWeight(a: IdentityKeys, b: IdentityKeys): number | null {
  if (a.postcode !== null && b.postcode !== null) {
    if (a.postcode !== b.postcode) return null;
    if (a.houseNumber !== null && b.houseNumber !== null) return a.houseNumber === b.houseNumber ? MATCH_WEIGHTS.address : null;
    return a.address !== null && a.address === b.address ? MATCH_WEIGHTS.address : null;
  }
  if (a.address === null || a.address !== b.address || a.houseNumber === null) return null;
  return MATCH_WEIGHTS.addressWithoutPostcode;
}

/**
 * The registered subjects that may be the one `candidate` (a signal's hints) is about, best first: by
 * score, then by subject id so equal scores come in a stable order. Subjects without any reason are left out.
 */
export function suggestMatches(candidate: SubjectIdentity, subjects: readonly RegisteredSubject[]): SubjectSuggestion[] {
  const keys = identityKeys(candidate);
  const suggestions: SubjectSuggestion[] = [];
  for (const subject of subjects) {
    const match = matchKeys(keys, identityKeys(subject));
    if (match) suggestions.push({ subjectId: subject.subjectId, score: match.score, reasons: match.reasons });
  }
  return suggestions.sort((x, y) => y.score - x.score || (x.subjectId < y.subjectId ? -1 : x.subjectId > y.subjectId ? 1 : 0));
}
