/**
 * RFC 8785 canonical JSON straight from PostgreSQL's `jsonb` text output, without building objects: the
 * text is scanned once, each object's members are put in canonical key order (UTF-16 code units) and
 * written without whitespace. Strings are copied as they are — `jsonb` escapes exactly the characters
 * `JSON.stringify` escapes, in the same way — and numbers only when they already are in ECMAScript's
 * shortest form. Anything else (another number form, unexpected text) returns null, and the caller takes
 * the `JSON.parse` + `canonicalJson` path. Whatever comes back non-null is the canonical JSON of the value
 * the text denotes.
 */
export function canonicalJsonFromJsonbText(text: string): string | null {
  input = text;
  at = 0;
  const out = readValue();
  if (out === null) return null;
  skipSpaces();
  return at === input.length ? out : null;
}

// The scan is synchronous and never re-entered, so its cursor can live here.
let input = '';
let at = 0;

const SPACE = 32;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const PLAIN_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

function skipSpaces(): void {
  while (input.charCodeAt(at) === SPACE) at++;
}

/** The end (exclusive) of the string token starting at `start` (a quote), or -1. */
function stringEnd(start: number): number {
  let quote = start;
  for (;;) {
    quote = input.indexOf('"', quote + 1);
    if (quote < 0) return -1;
    let backslashes = 0;
    while (input.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if ((backslashes & 1) === 0) return quote + 1;
  }
}

function readValue(): string | null {
  skipSpaces();
  const c = input.charCodeAt(at);
  if (c === OPEN_BRACE) return readObject();
  if (c === OPEN_BRACKET) return readArray();
  if (c === QUOTE) {
    const end = stringEnd(at);
    if (end < 0) return null;
    const token = input.slice(at, end);
    at = end;
    return token;
  }
  let end = at;
  while (end < input.length) {
    const d = input.charCodeAt(end);
    if (d === COMMA || d === CLOSE_BRACE || d === CLOSE_BRACKET || d === SPACE) break;
    end++;
  }
  const token = input.slice(at, end);
  at = end;
  if (token === 'true' || token === 'false' || token === 'null') return token;
  return PLAIN_NUMBER.test(token) && String(Number(token)) === token ? token : null;
}

function readObject(): string | null {
  at++;
  skipSpaces();
  if (input.charCodeAt(at) === CLOSE_BRACE) {
    at++;
    return '{}';
  }
  const keys: string[] = [];
  const members: string[] = [];
  let inOrder = true;
  for (;;) {
    skipSpaces();
    if (input.charCodeAt(at) !== QUOTE) return null;
    const end = stringEnd(at);
    if (end < 0) return null;
    const token = input.slice(at, end);
    const key = token.indexOf('\\') < 0 ? token.slice(1, -1) : (JSON.parse(token) as string);
    at = end;
    skipSpaces();
    if (input.charCodeAt(at) !== COLON) return null;
    at++;
    const value = readValue();
    if (value === null) return null;
    if (keys.length > 0 && keys[keys.length - 1]! > key) inOrder = false;
    keys.push(key);
    members.push(token + ':' + value);
    skipSpaces();
    const d = input.charCodeAt(at++);
    if (d === COMMA) continue;
    if (d === CLOSE_BRACE) break;
    return null;
  }
  if (inOrder) return '{' + members.join(',') + '}';
  const order = keys.map((_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  let out = '{';
  for (let i = 0; i < order.length; i++) out += (i > 0 ? ',' : '') + members[order[i]!]!;
  return out + '}';
}

function readArray(): string | null {
  at++;
  skipSpaces();
  if (input.charCodeAt(at) === CLOSE_BRACKET) {
    at++;
    return '[]';
  }
  let out = '[';
  for (let first = true; ; first = false) {
    const value = readValue();
    if (value === null) return null;
    out += first ? value : ',' + value;
    skipSpaces();
    const d = input.charCodeAt(at++);
    if (d === COMMA) continue;
    if (d === CLOSE_BRACKET) break;
    return null;
  }
  return out + ']';
}
