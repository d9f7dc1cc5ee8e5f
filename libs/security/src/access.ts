import type { Role } from '#contracts';
import type { Principal } from './principal.js';
import { isMunicipalityCode } from './principal.js';
import { ForbiddenError } from './security.errors.js';

/** Municipalities a principal's queries are limited to; `'all'` means no municipality filter. */
export type MunicipalityScope = 'all' | readonly string[];

/** Whether the principal may act in `municipality`: admin everywhere, everyone else only where listed. */
export function canActInMunicipality(principal: Principal, municipality: string): boolean {
  if (!isMunicipalityCode(municipality)) return false;
  return principal.role === 'admin' || principal.municipalities.includes(municipality);
}

/**
 * Like `canActInMunicipality`, but throws.
 * @throws ForbiddenError `AUTH.MUNICIPALITY_NOT_ALLOWED`
 */
export function requireMunicipality(principal: Principal, municipality: string): void {
  if (!canActInMunicipality(principal, municipality)) {
    throw new ForbiddenError('AUTH.MUNICIPALITY_NOT_ALLOWED', 'Not allowed for this municipality');
  }
}

/**
 * Throws unless the principal has one of `roles` (an empty list allows nobody).
 * @throws ForbiddenError `AUTH.ROLE_NOT_ALLOWED`
 */
export function requireRole(principal: Principal, roles: readonly Role[]): void {
  if (!roles.includes(principal.role)) {
    throw new ForbiddenError('AUTH.ROLE_NOT_ALLOWED', 'Your role is not allowed to do this');
  }
}

/**
 * The municipalities a principal may change a case in: their own, whatever the role. An administrator reads across
 * municipalities (for accountability and operations: `municipalityScope`), but a change to a case is case work, done
 * for the municipality whose case it is.
 */
export function writeScope(principal: Principal): readonly string[] {
  return principal.municipalities;
}

/** The municipality filter for read queries: admin and auditor see all, others their listed ones. */
export function municipalityScope(principal: Principal): MunicipalityScope {
  if (principal.role === 'admin' || principal.role === 'auditor') return 'all';
  return principal.municipalities;
}
