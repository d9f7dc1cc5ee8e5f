import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BSN_REDACTED, isValidBsn, minimiseCase, redactBsnLike } from '../src/index.js';
import { invalidNumber, validBsn, validNine } from './support/bsn-arbitraries.js';

/*
 * What a table, the disclosure register and the police receive passes `redactBsnLike`: a BSN typed into free
 * text (notes, descriptions, reasons) is replaced, in the forms people write it — 9 digits or 8 (the leading
 * zero dropped, as `normalizeBsn` accepts), whole or in groups split by a space, a dot or a hyphen — while
 * dates, postcodes and Dutch phone numbers are left alone where they can be told apart.
 */

const R = BSN_REDACTED;
const redact = (text: string) => redactBsnLike(text);


/** The separators people put between the groups of a number. */
const separator = fc.constantFrom(' ', '.', '-', ' - ', '\u00a0', '\u2013', '. ');
/** Splits `digits` into groups of at least two digits (or leaves it whole), joined by arbitrary separators. */
const written = (digits: string) =>
  fc
    .array(fc.integer({ min: 2, max: 5 }), { minLength: 1, maxLength: 4 })
    .chain((sizes) => {
      const groups: string[] = [];
      let at = 0;
      for (const size of sizes) {
        if (digits.length - at - size < 2) break;
        groups.push(digits.slice(at, at + size));
        at += size;
      }
      groups.push(digits.slice(at));
      return fc.array(separator, { minLength: groups.length - 1, maxLength: groups.length - 1 }).map((seps) => ({ groups, text: groups.map((g, i) => (i === 0 ? g : seps[i - 1] + g)).join('') }));
    });
/** A date shape (4-2-2 or 2-2-4 digits) is read as a date; see the example tests for those. */
const dateShaped = (groups: string[]) => groups.length === 3 && ['4,2,2', '2,2,4'].includes(groups.map((g) => g.length).join(','));
/** Text around a number: no digits, so nothing in it is a number of its own. */
const around = fc.string({ unit: fc.constantFrom(...'abc XYZ:;,()/-.'.split('')), maxLength: 12 });

describe('redacts BSNs as people write them', () => {
  it.each([
    ['BSN 12345672', `BSN ${R}`],
    ['bsn: 012345672', `bsn: ${R}`],
    ['zijn bsn is 1234-56-782.', `zijn bsn is ${R}.`],
    ['111-222-333', R],
    ['111 - 222 - 333', R],
    ['1112.22.333', R],
    ['111 222 333', R],
    ['1234 56.782 (gemengd)', `${R} (gemengd)`],
    ['12.34.56.72', R],
    ['1234 5672', R],
    ['bsn\u00a0111\u00a0222\u00a0333', `bsn\u00a0${R}`],
    ['111222333 en 123456782', `${R} en ${R}`],
    ['gezien op 2026-02-10, bsn 111-222-333', `gezien op 2026-02-10, bsn ${R}`],
    ['16-02-2026 111 222 333', `16-02-2026 ${R}`],
    ['Tel 06-12345611, BSN 12345672', `Tel 06-12345611, BSN ${R}`],
    ['dossier 12/111222333', `dossier 12/${R}`],
    ['op 10/02/2026: 1234-56-782', `op 10/02/2026: ${R}`],
  ])('%j → %j', (text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it('any valid BSN, 8 or 9 digits, in any grouping with any of the separators, whatever the text around it', () => {
    fc.assert(
      fc.property(
        validBsn.chain((bsn) => written(bsn)),
        around,
        around,
        ({ groups, text }, before, after) => {
          fc.pre(!dateShaped(groups));
          expect(redact(`${before}${text}${after}`)).toBe(`${before}${R}${after}`);
        },
      ),
      { numRuns: 500, seed: 20261127 },
    );
  });

  it('a BSN next to other numbers is redacted together with what cannot be told apart from it, never partly', () => {
    // "12 111 222 333": 12111222 fails the 11-proef, 111222333 passes; only the BSN goes.
    expect(redact('huisnummer 12 111 222 333')).toBe(`huisnummer 12 ${R}`);
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,4}$/), validNine, separator, (other, bsn, sep) => {
        const out = redact(`nr ${other}${sep}${bsn}`);
        expect(out).toContain(R);
        expect(out.replace(/\D/g, '')).not.toContain(bsn.slice(2)); // no tail of the BSN is left
      }),
      { numRuns: 300, seed: 7 },
    );
  });
});

describe('leaves other numbers alone where they can be told apart', () => {
  it.each([
    ['a number that fails the 11-proef', '123456789'],
    ['one in groups', '1234-56-789'],
    ['an 8-digit one (KvK)', 'kvk 12345678'],
    ['ISO dates (20260210 passes the 11-proef)', 'op 2026-02-10 gezien'],
    ['Dutch dates (16022026 passes)', 'op 16-02-2026 gezien, 16.02.2026 en 16 02 2026'],
    ['a date with a time', '16-02-2026 14.30 uur; 2026-02-10 12:45; 31/12/1932 14.30 (the year and time pass the 11-proef together)'],
    ['a postcode', 'Hengelosestraat 12, 7522 AB Enschede; 7522AB'],
    ['a mobile number (12345611 passes)', 'bel 06-12345611, 06 12345611, 06 12 34 56 11, 0612345611 of 06 - 12345611'],
    ['a landline number', '053-4891234, 020 1234567'],
    ['an amount', '€ 1.234,56'],
    ['ten digits', '0612345678 1234567890'],
    ['seven digits', '1234567'],
  ])('%s: %j', (_what, text) => {
    expect(redact(text)).toBe(text);
  });

  it('any 8- or 9-digit number that fails the 11-proef, in any grouping', () => {
    fc.assert(
      fc.property(invalidNumber.chain((n) => written(n)), around, around, ({ text }, before, after) => {
        expect(redact(`${before}${text}${after}`)).toBe(`${before}${text}${after}`);
      }),
      { numRuns: 500, seed: 11 },
    );
  });

  it('any calendar date from 1900 to 2099, day-month-year or year-month-day, with or without a time', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), fc.constantFrom('-', '.', '/', ' '), fc.boolean(), fc.constantFrom('', ' 14.30', ' 09:05 uur'), (date, sep, iso, time) => {
        const [y, m, d] = [String(date.getUTCFullYear()), two(date.getUTCMonth() + 1), two(date.getUTCDate())];
        const text = `op ${iso ? [y, m, d].join(sep) : [d, m, y].join(sep)}${time}`;
        expect(redact(text)).toBe(text);
      }),
      { numRuns: 1000, seed: 3 },
    );
  });

  it('any Dutch mobile number, 06 and 8 digits, written with the usual separators', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{8}$/), fc.constantFrom('-', ' ', ' - ', ''), fc.boolean(), (rest, sep, pairs) => {
        const text = `bel 06${sep}${pairs ? rest.match(/../g)!.join(' ') : rest}`;
        expect(redact(text)).toBe(text);
      }),
      { numRuns: 500, seed: 5 },
    );
  });
});

describe('errs on the side of redacting where a BSN cannot be told apart (documented)', () => {
  it.each([
    ['a compact date that passes the 11-proef', 'datum 20260210', `datum ${R}`],
    ['an amount with thousands dots that passes', '€ 12.345.672', `€ ${R}`],
    ['an international mobile number whose last 8 digits pass', '+31 6 12345611', `+31 6 ${R}`],
    ['a KvK number that passes the 8-digit 11-proef', 'kvk 12345672', `kvk ${R}`],
  ])('%s: %j', (_what, text, expected) => {
    expect(redact(text)).toBe(expected);
  });
});

describe('redaction as a whole', () => {
  const digitsAndSeparators = fc.string({ unit: fc.constantFrom(...'0123456789 .-/a'.split('')), maxLength: 60 });

  it('is idempotent and only ever replaces digits and their separators', () => {
    fc.assert(
      fc.property(digitsAndSeparators, (text) => {
        const once = redact(text);
        expect(redact(once)).toBe(once);
        expect(once.split(R).join('').replace(/[\d .\-]/g, '')).toBe(text.replace(/[\d .\-]/g, ''));
      }),
      { numRuns: 2000, seed: 42 },
    );
  });

  it('reaches deep into arrays and objects and keeps opaque (sealed) strings whole', () => {
    const sealed = 'pd1.0ff006a6-c4af-45fc-bd49-be111222333a.w8Zab';
    expect(redactBsnLike({ a: ['BSN 12345672', sealed, 3], b: { c: '111-222-333' } }, (t) => t.startsWith('pd1.'))).toEqual({ a: [`BSN ${R}`, sealed, 3], b: { c: R } });
  });
});

describe("an involved party's KvK number", () => {
  const shared = (kvkNumber: string) => (minimiseCase({ involvedParty: [{ kind: 'business', name: 'Snackbar De Hoek', kvkNumber }] } as never, ['involvedParty']).data.involvedParty as { kvkNumber: string }[])[0]!.kvkNumber;

  it('is kept when it is one (8 digits), also when it passes the 11-proef as an 8-digit BSN would', () => {
    expect(isValidBsn('12345672')).toBe(true);
    expect(shared('12345672')).toBe('12345672');
    expect(shared('12345678')).toBe('12345678');
  });

  it('is redacted when what was typed into the field is a BSN or holds one (the field is free text at intake)', () => {
    expect(shared('111222333')).toBe(BSN_REDACTED);
    expect(shared('BSN 111222333')).not.toContain('111222333');
    expect(shared('1234-56-782')).not.toContain('1234-56-782');
  });
});
