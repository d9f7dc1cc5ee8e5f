import { DomainError } from '#domain';

/**
 * The case moved on since the caller read it (stale `If-Match`, or another writer was first): 409
 * `EVENTSTORE.VERSION_CONFLICT` with the version to reload.
 */
export function caseVersionConflict(caseId: string, expectedVersion: number, currentVersion: number): DomainError {
  return new DomainError('EVENTSTORE.VERSION_CONFLICT', `The case is at version ${currentVersion}, not ${expectedVersion}: reload it and try again`, {
    caseId,
    expectedVersion,
    currentVersion,
  });
}
