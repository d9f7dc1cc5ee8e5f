/**
 * RFC 8785 canonical JSON straight from the bytes of PostgreSQL's `jsonb` text output (UTF-8), written into
 * a buffer without building strings or objects — the byte-level twin of `canonicalJsonFromJsonbText`, for
 * the COPY scan. Members are put in canonical key order, whitespace is dropped, strings are copied as they
 * are (`jsonb` escapes exactly the characters `JSON.stringify` escapes, in the same way) and numbers only when
 * they already are in ECMAScript's shortest form. Keys are ordered by their bytes, which is the canonical
 * (UTF-16 code unit) order for keys without escapes and without characters from U+E000 up; for any other
 * key, number form or unexpected text it declines (returns -1), and the caller takes the string path.
 */
export function writeCanonicalJsonb(source: Buffer, start: number, end: number, target: Buffer, at: number): number {
  src = source;
  limit = end;
  out = target;
  w = at;
  const next = writeValue(skipSpaces(start));
  return next >= 0 && skipSpaces(next) === end ? w : -1;
}

// The scan is synchronous and never re-entered, so its state can live here.
let src: Buffer = Buffer.alloc(0);
let limit = 0;
let out: Buffer = Buffer.alloc(0);
let w = 0;

const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const PLAIN_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

function skipSpaces(p: number): number {
  while (p < limit && src[p] === SPACE) p++;
  return p;
}

function copy(from: number, to: number): void {
  for (let i = from; i < to; i++) out[w++] = src[i]!;
}

/** The end (exclusive) of the string token starting at `p` (a quote), or -1. */
function stringEnd(p: number): number {
  let quote = p;
  for (;;) {
    quote = src.indexOf(QUOTE, quote + 1);
    if (quote < 0 || quote >= limit) return -1;
    let backslashes = 0;
    while (src[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if ((backslashes & 1) === 0) return quote + 1;
  }
}

/** The end of a scalar token (number or literal) starting at `p`. */
function tokenEnd(p: number): number {
  while (p < limit) {
    const c = src[p]!;
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === SPACE) break;
    p++;
  }
  return p;
}

/** The end of the value starting at `p`, without writing it, or -1. */
function skipValue(p: number): number {
  const c = src[p];
  if (c === QUOTE) return stringEnd(p);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) return tokenEnd(p);
  let depth = 0;
  while (p < limit) {
    const d = src[p]!;
    if (d === QUOTE) {
      p = stringEnd(p);
      if (p < 0) return -1;
      continue;
    }
    if (d === OPEN_BRACE || d === OPEN_BRACKET) depth++;
    else if (d === CLOSE_BRACE || d === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return p + 1;
    }
    p++;
  }
  return -1;
}

/** Writes a number or literal token, if it is canonical as it stands; false to decline. */
function writeScalar(from: number, to: number): boolean {
  const length = to - from;
  const c = src[from]!;
  if (length === 4 && c === 0x74 && src[from + 1] === 0x72 && src[from + 2] === 0x75 && src[from + 3] === 0x65) return (copy(from, to), true); // true
  if (length === 4 && c === 0x6e && src[from + 1] === 0x75 && src[from + 2] === 0x6c && src[from + 3] === 0x6c) return (copy(from, to), true); // null
  if (length === 5 && c === 0x66 && src.toString('latin1', from, to) === 'false') return (copy(from, to), true);
  // Integers of up to 15 digits without a leading zero print as they are; anything else is checked as text.
  let i = c === 0x2d ? from + 1 : from;
  let plainInteger = i < to && to - i <= 15 && (src[i] !== 0x30 || to - i === 1) && !(c === 0x2d && to - i === 1 && src[i] === 0x30);
  for (; plainInteger && i < to; i++) if (src[i]! < 0x30 || src[i]! > 0x39) plainInteger = false;
  if (!plainInteger) {
    const token = src.toString('latin1', from, to);
    if (!PLAIN_NUMBER.test(token) || String(Number(token)) !== token) return false;
  }
  copy(from, to);
  return true;
}

/** Compares two key tokens (quotes included) by their bytes. */
function compareKeys(a0: number, a1: number, b0: number, b1: number): number {
  const n = Math.min(a1 - a0, b1 - b0) - 1; // the closing quote sorts before any character of a longer key
  for (let i = 1; i < n; i++) {
    const d = src[a0 + i]! - src[b0 + i]!;
    if (d !== 0) return d;
  }
  return a1 - a0 - (b1 - b0);
}

function writeValue(p: number): number {
  const c = src[p];
  if (c === OPEN_BRACE) return writeObject(p);
  if (c === OPEN_BRACKET) return writeArray(p);
  if (c === QUOTE) {
    const e = stringEnd(p);
    if (e >= 0) copy(p, e);
    return e;
  }
  const e = tokenEnd(p);
  return e > p && writeScalar(p, e) ? e : -1;
}

function writeObject(p: number): number {
  p = skipSpaces(p + 1);
  if (src[p] === CLOSE_BRACE) {
    out[w++] = OPEN_BRACE;
    out[w++] = CLOSE_BRACE;
    return p + 1;
  }
  // Per member: key token start and end, value start.
  const members: number[] = [];
  for (;;) {
    if (src[p] !== QUOTE) return -1;
    const keyEnd = stringEnd(p);
    if (keyEnd < 0) return -1;
    for (let i = p + 1; i < keyEnd - 1; i++) if (src[i] === BACKSLASH || src[i]! >= 0xee) return -1;
    const keyStart = p;
    p = skipSpaces(keyEnd);
    if (src[p] !== COLON) return -1;
    p = skipSpaces(p + 1);
    const valueStart = p;
    p = skipValue(p);
    if (p < 0) return -1;
    members.push(keyStart, keyEnd, valueStart);
    p = skipSpaces(p);
    const d = src[p++];
    if (d === COMMA) {
      p = skipSpaces(p);
      continue;
    }
    if (d === CLOSE_BRACE) break;
    return -1;
  }
  // Insertion sort of member indices (objects are small).
  const n = members.length / 3;
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    let j = i;
    while (j > 0 && compareKeys(members[order[j - 1]! * 3]!, members[order[j - 1]! * 3 + 1]!, members[i * 3]!, members[i * 3 + 1]!) > 0) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = i;
  }
  out[w++] = OPEN_BRACE;
  for (let k = 0; k < n; k++) {
    const m = order[k]! * 3;
    if (k > 0) out[w++] = COMMA;
    copy(members[m]!, members[m + 1]!);
    out[w++] = COLON;
    if (writeValue(members[m + 2]!) < 0) return -1;
  }
  out[w++] = CLOSE_BRACE;
  return p;
}

function writeArray(p: number): number {
  p = skipSpaces(p + 1);
  out[w++] = OPEN_BRACKET;
  if (src[p] === CLOSE_BRACKET) {
    out[w++] = CLOSE_BRACKET;
    return p + 1;
  }
  for (let first = true; ; first = false) {
    if (!first) out[w++] = COMMA;
    p = writeValue(p);
    if (p < 0) return -1;
    p = skipSpaces(p);
    const d = src[p++];
    if (d === COMMA) {
      p = skipSpaces(p);
      continue;
    }
    if (d === CLOSE_BRACKET) break;
    return -1;
  }
  out[w++] = CLOSE_BRACKET;
  return p;
}
