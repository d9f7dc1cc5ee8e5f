/**
 * What a reader cannot see: whitespace (`\s` covers every Unicode space, NBSP and the BOM included), control
 * characters (Cc), format characters (Cf: zero-width space, non-joiner and joiner, word joiner, bidi marks, BOM),
 * the other default-ignorable code points (Hangul fillers, variation selectors, combining grapheme joiner), and
 * the braille blank. A text of nothing else looks empty everywhere it is shown, so a rule that refuses blank text
 * must refuse it too: a responsibility held by `\u200b` is held by nobody anyone can name.
 */
const INVISIBLE_CLASS = '\\s\\p{Cc}\\p{Cf}\\p{Default_Ignorable_Code_Point}\\u2800';
const VISIBLE = new RegExp(`[^${INVISIBLE_CLASS}]`, 'u');
const INVISIBLE_RUN = new RegExp(`[${INVISIBLE_CLASS}]+`, 'u');
/** The invisible characters that take no room (U+FEFF among them, though JavaScript counts it as whitespace). */
const ZERO_WIDTH = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * True when `text` has nothing visible: empty, or only whitespace and invisible characters. Text with one visible
 * character is not blank, whatever invisible characters it also holds (a ZWJ inside an emoji, an RTL mark before
 * an Arabic name).
 */
export function isBlankText(text: string): boolean {
  return !VISIBLE.test(text);
}

/** True when `value` is text with something visible in it: the opposite of missing or blank. */
export function isVisibleText(value: unknown): value is string {
  return typeof value === 'string' && !isBlankText(value);
}

/**
 * The words of `text` as a reader sees them: what takes no room left out, then split at every run of what shows as
 * a gap (whitespace, control characters, the braille blank). A rule that asks for a number of words or characters
 * measures them here, so that invisible characters cannot pad short text past it: `'kort\u200b\u200b \u2060 x'` is
 * two words, `kort` and `x`, and `'dos\u2060\ufeffsier'` one.
 */
export function visibleWords(text: string): string[] {
  return text.replace(ZERO_WIDTH, '').split(INVISIBLE_RUN).filter((word) => word !== '');
}

/**
 * How long `text` is as a reader sees it: its visible words (`visibleWords`) joined by single spaces, counted in
 * code points (a character outside the BMP, such as most emoji, is one). A rule's minimum length is measured here,
 * so that invisible characters and runs of spaces cannot pad short text past it: `'kort\u200b\u2060\ufeff\u200e'`
 * is 4 long and `'a   b'` 3. A maximum stays measured on the text as sent, which is what is kept.
 */
export function visibleLength(text: string): number {
  return [...visibleWords(text).join(' ')].length;
}
