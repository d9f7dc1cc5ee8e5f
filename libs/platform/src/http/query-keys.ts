import { DomainError, echoedName } from '#domain';
import type { FieldProblem } from './field-problem.js';

/**
 * Query names no route takes: copied onto a plain object (`{ ...query }`) they reach its prototype, and
 * class-transformer skips them, so a query DTO's check of unknown fields never saw `?__proto__=x`.
 */
export const RESERVED_QUERY_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

/**
 * The refusal (400 `VALIDATION.FAILED`) of a request's query names, or null: every name on a route that takes
 * no query, the reserved names on every route. Names only, each as `queryParameterName` repeats it: the values may
 * be personal data. A route that takes a query checks its other names itself (`validateDto`, `onlyQueryParameters`).
 */
export function queryKeysRefusal(keys: readonly string[], takesQuery: boolean): DomainError | null {
  const refused = takesQuery ? keys.filter(isReserved) : keys;
  if (refused.length === 0) return null;
  const errors: FieldProblem[] = refused.map((key) => {
    const path = queryParameterName(key);
    return isReserved(key)
      ? { path, constraints: ['reservedName'], message: `query parameter ${path} is not allowed on any route` }
      : { path, constraints: ['whitelistValidation'], message: `query parameter ${path} is not known here` };
  });
  const title = takesQuery ? `Query parameter name(s) not allowed: ${errors.map((e) => e.path).join(', ')}` : 'This route takes no query parameters';
  return new DomainError('VALIDATION.FAILED', title, { errors });
}

/**
 * A query parameter's name as a refusal repeats it (`echoedName`): it is the caller's text, so at most 64
 * characters of an identifier, and a placeholder for anything else (a 5,000-character name was repeated whole, in
 * the title and in each problem).
 */
export function queryParameterName(key: string): string {
  return echoedName(key, 'a query parameter name');
}

function isReserved(key: string): boolean {
  return RESERVED_QUERY_KEYS.includes(key);
}
