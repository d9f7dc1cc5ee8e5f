/** The most characters of any one key or id an error message repeats. */
export const MAX_ECHOED_NAME_LENGTH = 64;

/**
 * A key or id an error message may repeat as sent: letters (any script, with their marks: `essentiële-naaste`),
 * digits, `.`, `_` and `-`. No space, so nothing that reads as a name and a number; no invisible or control
 * character, so nothing that hides what it says.
 */
const IDENTIFIER = /^[\p{L}\p{M}\p{N}._-]+$/u;

/**
 * A key or id, as sent, in the form an error message may repeat it. Naming the unknown field or state helps the
 * caller; repeating it verbatim does not when it is not a name at all: a key like `J. Jansen 111222333` is
 * personal data, which then sits in the answer, the caller's logs and bug reports; and a 5,000-character id named
 * in six problems made a 32 KB answer. So an identifier is repeated (cut to {@link MAX_ECHOED_NAME_LENGTH}
 * characters), anything else is replaced by `(<what> that is not an identifier)`.
 * @param what how the placeholder names the thing, with its article: `a field name`, `a state id`
 */
export function echoedName(name: string, what = 'a name'): string {
  if (!IDENTIFIER.test(name)) return `(${what} that is not an identifier)`;
  if (name.length <= MAX_ECHOED_NAME_LENGTH) return name;
  // Cut by code points, so a letter outside the BMP is never split into half a surrogate pair.
  const points = Array.from(name);
  return points.length <= MAX_ECHOED_NAME_LENGTH ? name : `${points.slice(0, MAX_ECHOED_NAME_LENGTH - 1).join('')}…`;
}

/**
 * A value sent where a key or id was expected, as an error message may show it: an identifier in quotes (cut as
 * {@link echoedName} cuts it), other text as its placeholder, a number or true/false as written, and a list or an
 * object only as what it is, never its content.
 */
export function echoedValue(value: unknown, what = 'a name'): string {
  if (typeof value === 'string') return IDENTIFIER.test(value) ? `"${echoedName(value)}"` : echoedName(value, what);
  if (value === undefined) return '(missing)';
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return '(a list)';
  return typeof value === 'object' ? '(an object)' : `(a ${typeof value})`;
}
