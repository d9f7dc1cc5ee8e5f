/**
 * What a reader cannot see: whitespace (`\s` covers every Unicode space, NBSP and the BOM included), control
 * characters (Cc), format characters (Cf: zero-width space, non-joiner and joiner, word joiner, bidi marks, BOM),
 * the other default-ignorable code points (Hangul fillers, variation selectors, combining grapheme joiner), and
 * the braille blank. A text of nothing else looks empty everywhere it is shown, so a rule that refuses blank text
 * must refuse it too: a responsibility held by `\u200b` is held by nobody anyone can name.
 */
const VISIBLE = /[^\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]/u;

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
