import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { canActInMunicipality, ForbiddenError, municipalityScope, requireMunicipality, requireRole } from '#security';
import type { Principal } from '#security';

const principal = (overrides: Partial<Principal> = {}): Principal => ({
  subject: 'u-1',
  role: 'coordinator',
  municipalities: ['GM0363', 'GM0599'],
  tables: [],
  ...overrides,
});

describe('canActInMunicipality', () => {
  it('lets admin act everywhere and others only in their listed municipalities', () => {
    expect(canActInMunicipality(principal({ role: 'admin', municipalities: [] }), 'GM0014')).toBe(true);
    expect(canActInMunicipality(principal(), 'GM0363')).toBe(true);
    expect(canActInMunicipality(principal(), 'GM0014')).toBe(false);
    expect(canActInMunicipality(principal({ role: 'auditor', municipalities: [] }), 'GM0363')).toBe(false);
  });

  it('refuses malformed municipality codes, even for admin', () => {
    expect(canActInMunicipality(principal({ role: 'admin' }), 'gm0363')).toBe(false);
    expect(canActInMunicipality(principal({ municipalities: ['GM0363'] }), 'GM0363 ')).toBe(false);
  });

  it('never allows a non-admin outside its list (property)', () => {
    const code = fc.integer({ min: 0, max: 9999 }).map((n) => `GM${String(n).padStart(4, '0')}`);
    fc.assert(
      fc.property(fc.uniqueArray(code, { maxLength: 5 }), code, fc.constantFrom('coordinator', 'police-liaison', 'table-member', 'intake-system', 'auditor') as fc.Arbitrary<Principal['role']>, (list, target, role) => {
        expect(canActInMunicipality(principal({ role, municipalities: list }), target)).toBe(list.includes(target));
      }),
    );
  });

  it('requireMunicipality throws a 403 AUTH.MUNICIPALITY_NOT_ALLOWED', () => {
    expect(() => requireMunicipality(principal(), 'GM0014')).toThrow(expect.objectContaining({ code: 'AUTH.MUNICIPALITY_NOT_ALLOWED', httpStatus: 403 }));
    expect(() => requireMunicipality(principal(), 'GM0363')).not.toThrow();
  });
});

describe('requireRole', () => {
  it('passes for a listed role and throws ForbiddenError AUTH.ROLE_NOT_ALLOWED otherwise', () => {
    expect(() => requireRole(principal(), ['coordinator', 'admin'])).not.toThrow();
    let error: unknown;
    try {
      requireRole(principal(), ['admin']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ code: 'AUTH.ROLE_NOT_ALLOWED', httpStatus: 403 });
    expect(() => requireRole(principal({ role: 'admin' }), [])).toThrow(ForbiddenError);
  });
});

describe('municipalityScope', () => {
  it('is all for admin and auditor, the listed municipalities for everyone else', () => {
    expect(municipalityScope(principal({ role: 'admin' }))).toBe('all');
    expect(municipalityScope(principal({ role: 'auditor', municipalities: [] }))).toBe('all');
    expect(municipalityScope(principal({ role: 'police-liaison', municipalities: ['GM0363'] }))).toEqual(['GM0363']);
    expect(municipalityScope(principal({ role: 'table-member', municipalities: [] }))).toEqual([]);
  });
});
