import { DomainError, TRIAGE_ERRORS } from '#domain';

/** Same answer for "does not exist" and "not yours": signal ids of other municipalities cannot be probed. */
export const signalNotFound = (): DomainError => new DomainError(TRIAGE_ERRORS.SIGNAL_NOT_FOUND, 'No such signal');
