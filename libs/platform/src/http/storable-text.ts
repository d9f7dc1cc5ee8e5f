import { DomainError } from '#domain';
import type { FieldProblem } from './field-problem.js';

/**
 * Text PostgreSQL cannot store: the NUL character (refused by `text` and `jsonb`) and UTF-16 surrogates without
 * their pair (not Unicode, refused by `jsonb`). JSON can carry both (`"\u0000"`, `"\ud800"`), so they pass every
 * type check and fail only in the statement, as a 500, for every request batched into it.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether `text` can be stored as PostgreSQL text or in jsonb. */
export const isStorableText = (text: string): boolean => !UNSTORABLE.test(text);

/**
 * Deepest nesting accepted. Deeper values are refused: their text could not be checked, and validating them
 * (class-transformer recurses) would overflow the stack, a 500 for a 4 KB body.
 */
const MAX_DEPTH = 128;

/**
 * The paths (`indicators.0`, `location.area`) of strings and keys in a parsed JSON value that PostgreSQL cannot
 * store, as validation problems naming the field, never its value.
 */
export function unstorableText(value: unknown, path = '', depth = 0): FieldProblem[] {
  if (typeof value === 'string') return isStorableText(value) ? [] : [problem(path)];
  if (value === null || typeof value !== 'object') return [];
  if (depth >= MAX_DEPTH) return [{ path, constraints: ['maxDepth'], message: `${path === '' ? 'The value' : path} nests deeper than ${MAX_DEPTH} levels` }];
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  return entries.flatMap(([key, v]) => {
    const at = path === '' ? key : `${path}.${key}`;
    return isStorableText(key) ? unstorableText(v, at, depth + 1) : [problem(path === '' ? '(key)' : `${path}.(key)`)];
  });
}

function problem(path: string): FieldProblem {
  return { path, constraints: ['storableText'], message: `${path} must not contain the NUL character or an unpaired UTF-16 surrogate` };
}

/**
 * Refuses a parsed request or message holding text PostgreSQL cannot store: 400 `VALIDATION.FAILED` naming the
 * fields. At the edges: every HTTP route (`StorableTextPipe`) and the Kafka intake.
 */
export function assertStorableText(value: unknown, path = ''): void {
  const problems = unstorableText(value, path);
  if (problems.length > 0) throw new DomainError('VALIDATION.FAILED', `The request has ${problems.length} invalid field(s)`, { errors: problems });
}
