import fc from 'fast-check';
import { isValidBsn } from '../../src/index.js';

const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, -1];
/** Valid 9-digit BSNs (11-proef) built digit by digit: 8 random digits plus the check digit, when there is one. */
export const validNine = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 })
  .map((digits) => {
    const sum = digits.reduce((s, d, i) => s + WEIGHTS[i]! * d, 0);
    return sum % 11 === 10 ? null : digits.join('') + String(sum % 11);
  })
  .filter((bsn): bsn is string => bsn !== null && bsn !== '000000000');
/** A valid BSN as people write it: 9 digits, or 8 when it starts with a zero (older sources drop it). */
export const validBsn = fc.oneof(validNine, validNine.filter((b) => b.startsWith('0')).map((b) => b.slice(1)));
/** 8 or 9 digits that fail the 11-proef. */
export const invalidNumber = fc.oneof(fc.stringMatching(/^\d{9}$/), fc.stringMatching(/^\d{8}$/)).filter((n) => !isValidBsn(n));
