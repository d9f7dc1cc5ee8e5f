import { DomainError } from '#domain';

/**
 * `error` as a table member may see it: a `DomainError` whose details name the case loses those entries (table
 * members know referrals, never case ids); any other error is passed on as it is.
 */
export function withoutCaseId(error: unknown, caseId: string): unknown {
  if (!(error instanceof DomainError)) return error;
  if (!JSON.stringify(error.details ?? {}).includes(caseId) && !error.message.includes(caseId)) return error;
  const details = Object.fromEntries(Object.entries(error.details ?? {}).filter(([, value]) => !JSON.stringify(value ?? null).includes(caseId)));
  return new DomainError(error.code, error.message.split(caseId).join('(de zaak)'), details);
}
