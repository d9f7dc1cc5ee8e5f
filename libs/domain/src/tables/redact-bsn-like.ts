import { asciiDigits } from '../shared/decimal-digits.js';
import { normalizeBsn } from '../shared/bsn.validator.js';

export const BSN_REDACTED = '[bsn verwijderd]';

const nothingIsOpaque = (): boolean => false;

/**
 * What a reader does not see between or inside the digits of a number, so it neither joins nor splits groups:
 * format characters (zero-width space, non-joiner and joiner, word joiner, BOM, soft hyphen, bidi marks), the
 * other default-ignorable code points (variation selectors, Hangul fillers) and combining marks, which are drawn
 * on the digit before them (a keycap, a strike-through). `1\u200b11\u00ad222333` reads as `111222333`.
 */
const INVISIBLE = '[\\p{Cf}\\p{Default_Ignorable_Code_Point}\\p{M}]';
/** A gap on the line: a tab or any space (Unicode Zs: no-break, narrow no-break, thin, figure, ideographic, …). A line break ends a number. */
const SPACE = '[\\t\\p{Zs}]';
/** A gap or something not seen. */
const BLANK = '[\\t\\p{Zs}\\p{Cf}\\p{Default_Ignorable_Code_Point}\\p{M}]';
/** A mark between groups: a dot (also fullwidth), any dash (Unicode Pd: hyphen, en dash, fullwidth hyphen, …) or the minus sign, or a slash. */
const MARK = '[./\\p{Pd}\\u2212\\uff0e]';
/** A group of digits, of any script (Unicode Nd: `0`–`9`, fullwidth `０`–`９`, Arabic-Indic, …). */
const DIGITS = `\\p{Nd}(?:${INVISIBLE}*\\p{Nd})*`;
/**
 * Where one group of digits ends and the next begins, as people write numbers: a run of spaces or tabs (of any
 * kind and length: `111  222  333`, `111\t222\t333`, `111\u202f222\u202f333`), or one dot, hyphen or dash with
 * such runs on either side or none (`111-222-333`, `1234.56.782`, `111 - 222 - 333`). A slash joins groups too,
 * but only to recognise a date (10/02/2026): a BSN is never read across it. A comma or colon ends the number
 * (amounts 1.234,56, times 12:45), and so does a line break.
 */
const SEPARATOR = `(?:${BLANK}*${MARK}${BLANK}*|${INVISIBLE}*${SPACE}${BLANK}*)`;
/** A run of digit groups joined by separators; read as a whole, then judged group by group. */
const NUMBER = new RegExp(`${DIGITS}(?:${SEPARATOR}${DIGITS})*`, 'gu');
const GROUP = new RegExp(DIGITS, 'gu');
const INVISIBLES = new RegExp(INVISIBLE, 'gu');
const BLANKS = new RegExp(`${BLANK}+`, 'gu');

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when year, month and day (digit strings) name a calendar day from 1900 to 2099 (29 February always). */
function isCalendarDate(year: string, month: string, day: string): boolean {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  return y >= 1900 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= DAYS_IN_MONTH[m - 1]!;
}

interface Group {
  /** The group's digits in ASCII, what is not seen left out. */
  digits: string;
  start: number;
  end: number;
}

/**
 * The groups of `number` a BSN is written in, as [first, last] group index ranges (overlapping ranges merged).
 * A BSN is 8 or 9 digits passing the 11-proef (`normalizeBsn`), written whole or in groups of at least 2
 * digits (any mix of separators; `marks` holds the mark of each, `''` for a gap of spaces only). Left alone,
 * because they can be told apart:
 *  - a date: three groups shaped year-month-day (4-2-2) or day-month-year (2-2-4) with the same mark
 *    twice and a real calendar day (2026-02-10, 16.02.2026, 16/02/2026, 16 02 2026); its groups are never
 *    part of a BSN (so a time after it, `16-02-1932 14.30`, is not read as one with the year);
 *  - a Dutch phone number: 10 digits in groups, the first of 2 to 4 digits starting with 0 (06-12345678,
 *    06 12 34 56 78, 053-4891234; not across a slash).
 */
function bsnRanges(groups: readonly Group[], marks: readonly string[]): [number, number][] {
  const total = groups.reduce((n, g) => n + g.digits.length, 0);
  const first = groups[0]!.digits;
  const phoneLike = groups.length > 1 && total === 10 && first.startsWith('0') && first.length >= 2 && first.length <= 4;
  if (phoneLike && !marks.includes('/')) return [];

  const inDate = new Array<boolean>(groups.length).fill(false);
  for (let k = 0; k + 2 < groups.length; k++) {
    if (marks[k] !== marks[k + 1]) continue;
    const [a, b, c] = [groups[k]!.digits, groups[k + 1]!.digits, groups[k + 2]!.digits];
    const shape = `${a.length},${b.length},${c.length}`;
    if ((shape === '4,2,2' && isCalendarDate(a, b, c)) || (shape === '2,2,4' && isCalendarDate(c, b, a))) inDate[k] = inDate[k + 1] = inDate[k + 2] = true;
  }

  const ranges: [number, number][] = [];
  for (let i = 0; i < groups.length; i++) {
    let digits = '';
    for (let j = i; j < groups.length; j++) {
      const group = groups[j]!.digits;
      if (inDate[j]) break;
      if (j > i && (group.length < 2 || groups[i]!.digits.length < 2 || marks[j - 1] === '/')) break;
      digits += group;
      if (digits.length > 9) break;
      if (digits.length >= 8 && normalizeBsn(digits) !== null) {
        const last = ranges[ranges.length - 1];
        if (last && last[1] >= i) last[1] = Math.max(last[1], j);
        else ranges.push([i, j]);
      }
    }
  }
  return ranges;
}

/** `text` with every BSN in it replaced by {@link BSN_REDACTED} (see {@link redactBsnLike}). */
function redactText(text: string): string {
  return text.replace(NUMBER, (number) => {
    const groups: Group[] = [...number.matchAll(GROUP)].map((m) => ({ digits: asciiDigits(m[0].replace(INVISIBLES, '')), start: m.index, end: m.index + m[0].length }));
    const marks = groups.slice(1).map((g, i) => number.slice(groups[i]!.end, g.start).replace(BLANKS, ''));
    const ranges = bsnRanges(groups, marks);
    if (ranges.length === 0) return number;
    let out = '';
    let at = 0;
    for (const [from, to] of ranges) {
      out += number.slice(at, groups[from]!.start) + BSN_REDACTED;
      at = groups[to]!.end;
    }
    return out + number.slice(at);
  });
}

/**
 * `value` with every BSN-like number in its text replaced by {@link BSN_REDACTED}, deep in arrays and objects;
 * strings for which `isOpaque` holds (sealed values) are kept whole.
 *
 * BSN-like: 8 or 9 digits that pass the 11-proef (`normalizeBsn`: an 8-digit number is a BSN without its
 * leading zero), written whole (`111222333`, `12345672`) or in groups of at least two digits split by spaces,
 * a dot or a hyphen, mixed or not (`111-222-333`, `1234.56.782`, `1234 56.782`, `111 - 222 - 333`, `12.34.56.72`):
 * any run of spaces or tabs of any kind (`111  222  333`, `111\t222\t333`, a narrow no-break or thin space as
 * pasted from Word or a PDF), any dash, in digits of any script (fullwidth `１１１２２２３３３`), and with characters
 * no reader sees (zero-width space, word joiner, soft hyphen, BOM) anywhere between or inside the groups, ignored.
 * A line break ends a number.
 * A number next to a BSN is kept (`huisnummer 12 111 222 333` → `huisnummer 12 [bsn verwijderd]`); where
 * groups next to each other make more than one BSN, all of them go. Text typed by people is redacted on the
 * side of caution: about 1 in 11 of all 8- and 9-digit numbers pass the 11-proef, so such a number is redacted
 * whenever it cannot be told apart from a BSN — a KvK number, an amount written with thousands dots
 * (`12.345.672`), a compact date (`20260210`), the last 8 digits of an international phone number
 * (`+31 6 12345611`). Told apart, and never redacted: dates with separators (`2026-02-10`, `16-02-2026`,
 * `16.02.2026`, also with a time), Dutch phone numbers in groups (`06-12345611`, `06 12 34 56 11`), postcodes
 * (`7522 AB`, 4 digits), and numbers of 7 or fewer or of 10 or more digits written as one run.
 */
export function redactBsnLike<T>(value: T, isOpaque: (text: string) => boolean = nothingIsOpaque): T {
  if (typeof value === 'string') {
    if (isOpaque(value)) return value;
    return redactText(value) as T;
  }
  if (Array.isArray(value)) return value.map((v) => redactBsnLike(v, isOpaque)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactBsnLike(v, isOpaque)])) as T;
  }
  return value;
}
