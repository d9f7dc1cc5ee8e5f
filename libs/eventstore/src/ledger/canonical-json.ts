/**
 * RFC 8785 (JCS) canonical JSON of a value that came out of `JSON.parse`: object keys sorted by UTF-16
 * code units, no whitespace, strings and numbers as ECMAScript `JSON.stringify` writes them. Gives the
 * same text as the `canonicalize` package for such values (text read from PostgreSQL holds no lone
 * surrogates, so its per-string scan is not needed). It runs once per event when the ledger is verified,
 * so it rebuilds objects with their keys in canonical order and lets the native `JSON.stringify` write
 * them. Trees where that would not be canonical (array-index keys, which V8 enumerates first; a
 * `__proto__` key; non-finite numbers) are written by the plain recursive serializer instead. May rewrite
 * arrays inside `value` in place (with equal content).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return writeCanonical(value);
  const rebuilt = sortKeys(value as object);
  return rebuilt === UNSORTABLE ? writeCanonical(value) : JSON.stringify(rebuilt);
}

/** Array-index keys (`"0"`, `"10"`): V8 enumerates them first, in numeric order, whatever the insertion order. */
const isIndexKey = (key: string): boolean => {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 4294967295;
};

/** Returned when the tree holds something `JSON.stringify` would not write canonically. */
const UNSORTABLE = Symbol('unsortable');

/** A scalar `JSON.stringify` writes as RFC 8785 does (non-finite numbers it would write as `null`). */
const plain = (v: unknown): boolean => typeof v !== 'number' || Number.isFinite(v);

function sortKeys(value: object): unknown {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item !== null && typeof item === 'object') {
        const sorted = sortKeys(item);
        if (sorted === UNSORTABLE) return UNSORTABLE;
        value[i] = sorted;
      } else if (!plain(item)) return UNSORTABLE;
    }
    return value;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  let inOrder = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === '__proto__' || isIndexKey(key)) return UNSORTABLE;
    if (i > 0 && keys[i - 1]! > key) inOrder = false;
  }
  if (!inOrder) keys.sort();
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const item = object[key];
    if (item !== null && typeof item === 'object') {
      const sorted = sortKeys(item);
      if (sorted === UNSORTABLE) return UNSORTABLE;
      out[key] = sorted;
    } else if (!plain(item)) return UNSORTABLE;
    else out[key] = item;
  }
  return out;
}

/** The plain recursive serializer (used for scalars and for objects that cannot be reordered by rebuilding). */
function writeCanonical(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError('non-finite numbers have no canonical JSON form');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ',';
          const item: unknown = value[i];
          out += item === undefined ? 'null' : writeCanonical(item);
        }
        return out + ']';
      }
      const object = value as Record<string, unknown>;
      const keys = Object.keys(object).sort();
      let out = '{';
      let first = true;
      for (const key of keys) {
        const item = object[key];
        if (item === undefined) continue;
        if (!first) out += ',';
        first = false;
        out += JSON.stringify(key) + ':' + writeCanonical(item);
      }
      return out + '}';
    }
    default:
      throw new TypeError(`${typeof value} has no JSON form`);
  }
}
