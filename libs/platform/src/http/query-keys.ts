import { DomainError } from '#domain';
import type { FieldProblem } from './field-problem.js';

/**
 * Query names no route takes: copied onto a plain object (`{ ...query }`) they reach its prototype, and
 * class-transformer skips them, so a query DTO's check of unknown fields never saw `?__proto__=x`.
 */
export const RESERVED_QUERY_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/**
 * The refusal (400 `VALIDATION.FAILED`) of a request's query names, or null: every name on a route that takes
 * no query, the reserved names on every route. Names only: the values may be personal data. A route that takes a
 * query checks its other names itself (`validateDto`, `onlyQueryParameters`).
 */
export function queryKeysRefusal(keys: readonly string[], takesQuery: boolean): DomainError | null {
  const refused = takesQuery ? keys.filter(isReserved) : keys;
  if (refused.length === 0) return null;
  const errors: FieldProblem[] = refused.map((path) =>
    isReserved(path)
      ? { path, constraints: ['reservedName'], message: `query parameter ${path} is not allowed on any route` }
      : { path, constraints: ['whitelistValidation'], message: `query parameter ${path} is not known here` },
  );
  const title = takesQuery ? `Query parameter name(s) not allowed: ${refused.join(', ')}` : 'This route takes no query parameters';
  return new DomainError('VALIDATION.FAILED', title, { errors });
}

function isReserved(key: string): boolean {
  return RESERVED_QUERY_KEYS.includes(key);
}
