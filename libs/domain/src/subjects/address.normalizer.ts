import { foldText } from './name.normalizer.js';

/** A house number with its addition: `12`, `12a`, `12hs`, `12bis`. */
const HOUSE_NUMBER = /^\d+[a-z]{0,4}$/;

/**
 * The form of a street address that matching compares: lower case, no diacritics, punctuation and white
 * space made single spaces, a house number joined with its addition (`2 A`, `2-a`, `2a` → `2a`; a longer
 * addition such as `hs` only at the end) and the common abbreviation `str.` written out
 * (`Dorpsstr. 2` → `dorpsstraat 2`). Idempotent.
 */
export function normalizeAddress(value: string): string {
  return foldText(value)
    .replace(/['’‘`´ʼ]/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .replace(/(\p{L})str(?= |$)/gu, '$1straat')
    // `2 a` anywhere, `2 hs` only at the end: `Kerkstraat 2 te Enschede` keeps its `te`.
    .replace(/(?<=(?:^| )\d+) (?=[a-z](?: |$)|[a-z]{2,4}$)/gu, '');
}

/** The house number (with addition) of a normalised address: its last token that is one, or null. */
export function houseNumberOf(normalizedAddress: string): string | null {
  const tokens = normalizedAddress.split(' ');
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (HOUSE_NUMBER.test(tokens[i]!)) return tokens[i]!;
  }
  return null;
}
