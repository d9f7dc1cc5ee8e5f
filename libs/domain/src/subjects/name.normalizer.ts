/** Apostrophes join what they separate: `'t Hart` → `t hart`, `d'Ancona` → `dancona`, `O’Neil` → `oneil`. */
const APOSTROPHES = /['’‘`´ʼ]/gu;
/** Everything that is not a letter or a digit separates words. */
const SEPARATORS = /[^\p{L}\p{N}]+/gu;
const MARKS = /\p{M}+/gu;

/**
 * The form of a name that matching compares: lower case, without diacritics (`Müller` → `muller`,
 * `Çelik` → `celik`, the ligature `ĳ` → `ij`), apostrophes dropped, every other punctuation mark and run of
 * white space made one space (`J.  de Vries` → `j de vries`, `Jansen-de Vries` → `jansen de vries`).
 * Dutch name prefixes (tussenvoegsels such as van, de, van der, ter) are kept as words, only their spacing
 * and case are normalised, because `De Vries` and `de Vries` are the same name but `Vries` is not.
 * Idempotent: normalising a normalised name changes nothing.
 */
export function normalizeName(value: string): string {
  return foldText(value).replace(APOSTROPHES, '').replace(SEPARATORS, ' ').trim();
}

/**
 * Lower case without diacritics. Compatibility decomposition runs before and after lower-casing because
 * lower-casing can itself produce combining marks (`İ` → `i̇`).
 */
export function foldText(value: string): string {
  return value.normalize('NFKD').toLowerCase().normalize('NFKD').replace(MARKS, '');
}
