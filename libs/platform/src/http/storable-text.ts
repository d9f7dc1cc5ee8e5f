import { DomainError, echoedName } from '#domain';
import type { FieldProblem } from './field-problem.js';

/**
 * Text the product does not store. PostgreSQL refuses the NUL character (`text` and `jsonb`) and UTF-16 surrogates
 * without their pair (not Unicode, refused by `jsonb`); JSON can carry both (`"\u0000"`, `"\ud800"`), so they pass
 * every type check and fail only in the statement, as a 500, for every request batched into it. The other control
 * characters (C0 but tab, line feed and carriage return; DEL; C1) PostgreSQL would store, but no person writes them:
 * an ESC or BEL in a reference or a note is a terminal escape waiting for the log viewer or export that shows it.
 */
const UNSTORABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether `text` can be stored: no control character but tab, LF and CR, and no unpaired surrogate. */
export const isStorableText = (text: string): boolean => !UNSTORABLE.test(text);

/**
 * Deepest nesting accepted. Deeper values are refused: their text could not be checked, and validating them
 * (class-transformer recurses) would overflow the stack, a 500 for a 4 KB body.
 */
const MAX_DEPTH = 128;

/**
 * The paths (`indicators.0`, `location.area`) of strings and keys in a parsed JSON value that cannot be stored, as
 * validation problems naming the field, never its value. A key is named as `echoedName` allows: it is the caller's
 * text too.
 */
export function unstorableText(value: unknown, path = '', depth = 0): FieldProblem[] {
  if (typeof value === 'string') return isStorableText(value) ? [] : [problem(path)];
  if (value === null || typeof value !== 'object') return [];
  if (depth >= MAX_DEPTH) return [{ path, constraints: ['maxDepth'], message: `${path === '' ? 'The value' : path} nests deeper than ${MAX_DEPTH} levels` }];
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  return entries.flatMap(([key, v]) => {
    const named = echoedName(key, 'a field name');
    const at = path === '' ? named : `${path}.${named}`;
    return isStorableText(key) ? unstorableText(v, at, depth + 1) : [problem(path === '' ? '(key)' : `${path}.(key)`)];
  });
}

function problem(path: string): FieldProblem {
  return { path, constraints: ['storableText'], message: `${path} must not contain a control character (other than tab, line feed and carriage return) or an unpaired UTF-16 surrogate` };
}

/**
 * Refuses a parsed request or message holding text that cannot be stored: 400 `VALIDATION.FAILED` naming the
 * fields. At the edges: every HTTP route (`StorableTextPipe`) and the Kafka intake.
 */
export function assertStorableText(value: unknown, path = ''): void {
  const problems = unstorableText(value, path);
  if (problems.length > 0) throw new DomainError('VALIDATION.FAILED', `The request has ${problems.length} invalid field(s)`, { errors: problems });
}
