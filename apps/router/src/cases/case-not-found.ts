import { DomainError } from '#domain';

/** Same answer for "does not exist" and "not in your municipalities": case ids cannot be probed. */
export const caseNotFound = (): DomainError => new DomainError('CASE.NOT_FOUND', 'No such case');
