import fc from 'fast-check';
import { isValidBsn, normalizeBsn } from '../src/index.js';

const WEIGHTS = [9, 8, 7, 6, 5, 4, 3, 2, -1];
const weightedSum = (digits: string) => [...digits].reduce((sum, d, i) => sum + WEIGHTS[i] * Number(d), 0);

/** 9-digit strings built to pass the 11-proef: 8 random digits plus the check digit, when one exists. */
const validBsn = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 })
  .map((digits) => {
    const check = weightedSum(digits.join('') + '0') % 11;
    return check === 10 ? null : digits.join('') + String(check);
  })
  .filter((bsn): bsn is string => bsn !== null && bsn !== '000000000');

describe('BSN 11-proef: weights 9..2 and -1, sum divisible by 11', () => {
  it.each(['111222333', '999999990', '012345672'])('accepts %s (weighted sum divisible by 11)', (bsn) => {
    expect(weightedSum(bsn) % 11).toBe(0);
    expect(isValidBsn(bsn)).toBe(true);
  });

  it.each(['123456789', '111222334', '999999999'])('refuses %s (weighted sum not divisible by 11)', (bsn) => {
    expect(weightedSum(bsn) % 11).not.toBe(0);
    expect(isValidBsn(bsn)).toBe(false);
  });

  it('refuses all zeros although its sum is 0', () => {
    expect(isValidBsn('000000000')).toBe(false);
    expect(isValidBsn('00000000')).toBe(false);
  });

  it('reads an 8-digit number with a leading zero and normalizes it to 9 digits', () => {
    expect(isValidBsn('12345672')).toBe(true);
    expect(normalizeBsn('12345672')).toBe('012345672');
    expect(normalizeBsn('111222333')).toBe('111222333');
  });

  it.each(['', '1234567', '1112223330', '11122233a', ' 111222333', '111 222 333', '-11222333', '1.1222333'])(
    'refuses %j: only 8 or 9 plain digits',
    (value) => expect(isValidBsn(value)).toBe(false),
  );

  it.each([111222333, null, undefined, {}])('refuses non-strings (%j)', (value) => {
    expect(isValidBsn(value)).toBe(false);
  });

  it('accepts every number built to pass the rule', () => {
    fc.assert(fc.property(validBsn, (bsn) => isValidBsn(bsn)));
  });

  it('a valid BSN with any one digit changed is invalid (11 is prime, weights and digit changes are < 11)', () => {
    fc.assert(
      fc.property(validBsn, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }), (bsn, position, delta) => {
        const changed = (Number(bsn[position]) + delta) % 10;
        const mutated = bsn.slice(0, position) + String(changed) + bsn.slice(position + 1);
        return !isValidBsn(mutated);
      }),
    );
  });

  it('a valid BSN with two different adjacent digits swapped is invalid', () => {
    fc.assert(
      fc.property(validBsn, fc.integer({ min: 0, max: 7 }), (bsn, i) => {
        fc.pre(bsn[i] !== bsn[i + 1]);
        const swapped = bsn.slice(0, i) + bsn[i + 1] + bsn[i] + bsn.slice(i + 2);
        return !isValidBsn(swapped);
      }),
    );
  });

  it('for any first eight digits at most one last digit makes a valid BSN', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8}$/), (prefix) => {
        const valid = [...'0123456789'].filter((last) => isValidBsn(prefix + last));
        return valid.length <= 1;
      }),
    );
  });

  it('an 8-digit number is valid exactly when its 9-digit form with a leading zero is', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8}$/), (eight) => isValidBsn(eight) === isValidBsn('0' + eight)),
    );
  });
});
