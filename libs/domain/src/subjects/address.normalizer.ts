import { foldText } from './name.normalizer.js';

/** A house number with its addition: `12`, `12a`, `12hs`, `12bis`. */
const HOUSE_NUMBER = /^\d+[a-z]{0,4}$/;

/** An addition that starts with a digit (`12-1`, `12 1`: a floor), at most 4 characters as in the BAG. */
const DIGIT_ADDITION = /^\d[a-z\d]{0,3}$/;

/** A Dutch postcode in a normalised address (`7511 aa`, `7511aa`) and what follows it (the place). */
const POSTCODE_AND_AFTER = /(?:^| )[1-9]\d{3} ?[a-z]{2}(?= |$).*$/u;

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

/**
 * The house number, with its addition, of a normalised address, or null: the first number after the street words (a
 * word with a letter that is no house number: `1e Emmastraat 5` → `5`), joined with an addition of digits that
 * follows it (`12 1` → `12-1`); a letter addition is already part of it (`12a`, `12hs`). A postcode written in the
 * address and what follows it (`Kerkstraat 2, 7511 AA Enschede`) are left out first, so neither the postcode's digits
 * nor a floor number is taken for the house number.
 */
export function houseNumberOf(normalizedAddress: string): string | null {
  const tokens = normalizeAddress(normalizedAddress.replace(POSTCODE_AND_AFTER, '')).split(' ');
  const street = tokens.findIndex((t) => /\p{L}/u.test(t) && !HOUSE_NUMBER.test(t));
  if (street === -1) return null;
  const at = tokens.findIndex((t, i) => i > street && HOUSE_NUMBER.test(t));
  if (at === -1) return null;
  const addition = tokens[at + 1];
  return addition !== undefined && DIGIT_ADDITION.test(addition) ? `${tokens[at]}-${addition}` : tokens[at]!;
}
