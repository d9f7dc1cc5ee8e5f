/**
 * Burgerservicenummer (BSN) validation with the 11-proef (elfproef).
 *
 * Rule: take the 9 digits d1..d9 (an 8-digit number is read with a leading zero, because older sources
 * drop it). Multiply d1..d8 by the weights 9, 8, 7, 6, 5, 4, 3, 2 and d9 by -1, and add them up. The number
 * is a valid BSN when that sum is divisible by 11. `000000000` passes the sum but is never issued, so it is
 * refused.
 *
 * Because 11 is prime and every weight and every single-digit change is smaller than 11, changing exactly
 * one digit of a valid BSN always makes it invalid; so does swapping two different adjacent digits.
 * Passing the check does not prove that the number was issued, only that it is well-formed.
 */
const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, -1] as const;

/** True when `value` is an 8- or 9-digit string that passes the 11-proef (see module comment). */
export function isValidBsn(value: unknown): boolean {
  return normalizeBsn(value) !== null;
}

/**
 * The BSN as 9 digits (an 8-digit input gets its leading zero back), or `null` when it is not a valid BSN.
 * Store the normalized form so that `12345672` and `012345672` match the same person.
 */
export function normalizeBsn(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{8,9}$/.test(value)) return null;
  const digits = value.padStart(9, '0');
  if (digits === '000000000') return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += WEIGHTS[i] * Number(digits[i]);
  return sum % 11 === 0 ? digits : null;
}
