import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BSN_REDACTED, redactBsnLike } from '../src/index.js';
import { invalidNumber, validBsn, validNine } from './support/bsn-arbitraries.js';

/*
 * No BSN reaches a table topic or the liaison feed, however it was typed or pasted into free text: its groups split
 * by any run of spaces or tabs (two spaces, a tab from a spreadsheet, the narrow no-break or thin space Word and
 * PDFs produce, any Unicode space), with or without a dot or dash, with characters no reader sees between or inside
 * the groups (zero-width space, word joiner, soft hyphen, BOM, bidi marks), in digits of any script (fullwidth).
 * What is not a BSN stays as it was, spaced the same way.
 */

const R = BSN_REDACTED;
const redact = (text: string) => redactBsnLike(text);


/** Tab and the Unicode space separators (Zs). */
const SPACES = ['\t', ' ', '\u00a0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a', '\u202f', '\u205f', '\u3000'];
/** What no reader sees: zero-width space, non-joiner, joiner, word joiner, BOM, soft hyphen, bidi marks, combining grapheme joiner, variation selector. */
const INVISIBLES = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u200e', '\u200f', '\u2066', '\u2069', '\u034f', '\ufe0f'];
/** The marks that join groups as well: dot, hyphen, dashes, minus sign, fullwidth hyphen and full stop. */
const MARKS = ['.', '-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2212', '\uff0d', '\uff0e'];
/** Where the digits of a script start: ASCII, fullwidth, Arabic-Indic, Extended Arabic-Indic, Devanagari, mathematical bold (outside the BMP). */
const ZEROS = [0x30, 0xff10, 0x660, 0x6f0, 0x966, 0x1d7ce];

const invisibleRun = fc.array(fc.constantFrom(...INVISIBLES), { maxLength: 2 }).map((run) => run.join(''));
const blankRun = (minLength: number) => fc.array(fc.constantFrom(...SPACES, ...INVISIBLES), { minLength, maxLength: 4 }).map((run) => run.join(''));
/** A gap between groups: a run of spaces (and invisibles), or a mark with such runs, possibly empty, on either side. */
const gap = fc.oneof(
  fc.tuple(invisibleRun, fc.constantFrom(...SPACES), blankRun(0)).map((parts) => parts.join('')),
  fc.tuple(blankRun(0), fc.constantFrom(...MARKS), blankRun(0)).map((parts) => parts.join('')),
);

/**
 * `digits` as typed: split into groups of at least two digits (or whole), joined by `gap`s, with invisible
 * characters between the digits of a group, in the digits of one script.
 */
const typed = (digits: string) =>
  fc
    .record({
      sizes: fc.array(fc.integer({ min: 2, max: 5 }), { minLength: 1, maxLength: 4 }),
      gaps: fc.array(gap, { minLength: 4, maxLength: 4 }),
      inside: fc.array(invisibleRun, { minLength: 9, maxLength: 9 }),
      zero: fc.constantFrom(...ZEROS),
    })
    .map(({ sizes, gaps, inside, zero }) => {
      const groups: string[] = [];
      let at = 0;
      for (const size of sizes) {
        if (digits.length - at - size < 2) break;
        groups.push(digits.slice(at, at + size));
        at += size;
      }
      groups.push(digits.slice(at));
      let position = 0;
      const script = (group: string) => [...group].map((d, i) => (i === 0 ? '' : inside[position++]) + String.fromCodePoint(zero + Number(d))).join('');
      return { groups, text: groups.map((g, i) => (i === 0 ? '' : gaps[i - 1]) + script(g)).join('') };
    });
/** A date shape (4-2-2 or 2-2-4 digits) is read as a date when it is one; see the example tests for those. */
const dateShaped = (groups: string[]) => groups.length === 3 && ['4,2,2', '2,2,4'].includes(groups.map((g) => g.length).join(','));
/** Text around a number: no digits, so nothing in it is a number of its own. */
const around = fc.string({ unit: fc.constantFrom(...'abc XYZ:;,()/-.\n'.split(''), '\u00a0', '\u200b'), maxLength: 12 });

describe('a BSN is redacted however its groups are spaced', () => {
  it.each([
    ['two spaces', 'bsn 111  222  333', `bsn ${R}`],
    ['a tab (pasted from a spreadsheet)', 'Zie dossier bsn 111\t222\t333', `Zie dossier bsn ${R}`],
    ['a narrow no-break space (Word, PDF)', 'bsn 111\u202f222\u202f333', `bsn ${R}`],
    ['a thin space', 'bsn 111\u2009222\u2009333', `bsn ${R}`],
    ['an ideographic space', 'bsn 1234\u300056\u3000782', `bsn ${R}`],
    ['spaces and a tab around a hyphen', 'bsn 111  -\t222 -  333', `bsn ${R}`],
    ['an em dash', 'bsn 111\u2014222\u2014333', `bsn ${R}`],
    ['a zero-width space between groups', 'bsn 111\u200b222\u200b333', `bsn ${R}`],
    ['a zero-width space next to the spaces', 'bsn 111 \u200b222\u2060 333', `bsn ${R}`],
    ['a soft hyphen and a word joiner inside groups', 'bsn 1\u00ad11 22\u20602 333', `bsn ${R}`],
    ['a BOM and bidi marks', 'bsn \u200e111\ufeff222\u200f333', `bsn \u200e${R}`],
    ['fullwidth digits', 'bsn １１１２２２３３３', `bsn ${R}`],
    ['fullwidth digits, hyphens and spaces', 'bsn １１１－２２２ ３３３', `bsn ${R}`],
    ['Arabic-Indic digits', 'bsn ١١١٢٢٢٣٣٣', `bsn ${R}`],
    ['mathematical bold digits (outside the BMP)', 'bsn 𝟏𝟏𝟏𝟐𝟐𝟐𝟑𝟑𝟑.', `bsn ${R}.`],
    ['keycap digits', `bsn ${[...'111222333'].map((d) => `${d}\ufe0f\u20e3`).join('')}`, `bsn ${R}\ufe0f\u20e3`],
    ['8 digits (leading zero dropped) with two spaces', 'bsn 1234  5672', `bsn ${R}`],
  ])('%s: %j', (_what, text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it('any valid BSN, 8 or 9 digits, in any grouping, any gaps of spaces, tabs, dashes and invisibles, in any digits, whatever the text around it', () => {
    fc.assert(
      fc.property(validBsn.chain(typed), around, around, ({ groups, text }, before, after) => {
        fc.pre(!dateShaped(groups));
        expect(redact(`${before}${text}${after}`)).toBe(`${before}${R}${after}`);
      }),
      { numRuns: 2000, seed: 20261202 },
    );
  });

  it('no digit of the BSN is left, whatever number is typed next to it with such a gap', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,4}$/), validNine, gap, (other, bsn, between) => {
        const out = redact(`nr ${other}${between}${bsn}`);
        expect(out).toContain(R);
        expect(out.replace(/\D/g, '')).not.toContain(bsn.slice(2));
      }),
      { numRuns: 500, seed: 17 },
    );
  });
});

describe('what is not a BSN stays as it was, spaced the same way', () => {
  it.each([
    ['a number that fails the 11-proef', '123  456\t789'],
    ['dates, also with wide gaps and other digits', 'op 16  02  2026, 2026\u202f02\u202f10, ２０２６－０２－１０ en ١٦/٠٢/٢٠٢٦'],
    ['a date with a time after a tab', '16-02-1932\t14.30 uur'],
    ['a mobile number with two spaces (12345611 passes)', 'bel 06  12345611 of 06\t12\u202f34 56 11'],
    ['a landline number with a thin space', '053\u20094891234'],
    ['an amount, a postcode, ten digits', '€ 1.234,56; 7522\u00a0AB; 0612345678'],
  ])('%s: %j', (_what, text) => {
    expect(redact(text)).toBe(text);
  });

  it('any 8- or 9-digit number that fails the 11-proef, in any grouping, gaps and digits', () => {
    fc.assert(
      fc.property(invalidNumber.chain(typed), around, around, ({ text }, before, after) => {
        expect(redact(`${before}${text}${after}`)).toBe(`${before}${text}${after}`);
      }),
      { numRuns: 1000, seed: 23 },
    );
  });

  it('a long run of spaces and invisibles is read in linear time', () => {
    const text = `1${' \u200b'.repeat(100_000)}x 2${'\u00a0'.repeat(100_000)}-`;
    const started = Date.now();
    expect(redact(text)).toBe(text);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
