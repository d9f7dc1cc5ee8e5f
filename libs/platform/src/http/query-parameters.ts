import { DomainError } from '#domain';
import { queryParameterName } from './query-keys.js';

/**
 * The query parameters a route reads, after refusing any other with 400 `VALIDATION.FAILED` naming it (as
 * `queryParameterName` repeats a name): a misspelt parameter (`as_of` for `asOf`) must not be ignored, or an
 * auditor takes today's state for a past one. Routes with a query DTO get the same from `validateDto`; this is for
 * routes that read one or two parameters.
 */
export function onlyQueryParameters<K extends string>(query: Record<string, unknown>, allowed: readonly K[]): Partial<Record<K, unknown>> {
  const unknown = Object.keys(query)
    .filter((name) => !(allowed as readonly string[]).includes(name))
    .map(queryParameterName);
  if (unknown.length > 0) {
    throw new DomainError('VALIDATION.FAILED', `Unknown query parameter(s): ${unknown.join(', ')}`, {
      errors: unknown.map((path) => ({ path, constraints: ['whitelistValidation'], message: `query parameter ${path} is not known here` })),
    });
  }
  return Object.fromEntries(allowed.filter((name) => name in query).map((name) => [name, query[name]])) as Partial<Record<K, unknown>>;
}
