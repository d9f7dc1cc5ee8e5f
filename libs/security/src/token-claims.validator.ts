import { isBlankText } from '#domain';
import type { Principal, TokenRole } from './principal.js';
import { CROSS_MUNICIPALITY_ROLES, isMunicipalityCode, isTokenRole } from './principal.js';

/** Upper bounds keep a (validly signed but careless) token from producing huge principals. */
const MAX_MUNICIPALITIES = 400; // the Netherlands has ~340 municipalities
const MAX_TABLES = 200;
const MAX_SUBJECT_LENGTH = 256;
const TABLE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const TOKEN_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/**
 * What may not stand in a subject: the ledger and the processing log name it as the actor, one per line. Control
 * characters (C0, DEL and C1: NEL at U+0085 is a line break to many log readers) and the line and paragraph
 * separators U+2028/U+2029 could forge a line of their own; the bidirectional embeddings, overrides and isolates
 * (U+202A–U+202E, U+2066–U+2069) make a reader see the actor's name, and what follows it on the line, reordered
 * (`ada\u202Enimda` shows as "adaadmin"). A right-to-left mark (U+200F) before an Arabic name only orders and stays.
 */
const LINE_BREAKING_OR_CONTROL = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** Which claim was wrong; a fixed keyword, safe to log (never the claim's value). */
export type ClaimProblem = 'sub' | 'role' | 'municipalities' | 'tables' | 'jti';

export type ClaimsResult = { ok: true; principal: Principal } | { ok: false; problem: ClaimProblem; message: string };

/**
 * Turns the application claims of a token (already signature- and time-checked) into a `Principal`.
 * Pure; used by the verifier and by the issuer (so we never mint a token we would reject).
 */
export function principalFromClaims(claims: Record<string, unknown>): ClaimsResult {
  const { sub, role, municipalities, tables, jti, exp } = claims;

  // isBlankText: a subject of only invisible characters (a zero-width space) would name an actor nobody can see.
  if (typeof sub !== 'string' || sub.length > MAX_SUBJECT_LENGTH || sub.trim() !== sub || LINE_BREAKING_OR_CONTROL.test(sub) || isBlankText(sub)) {
    return fail(
      'sub',
      `"sub" must be a string of at most ${MAX_SUBJECT_LENGTH} characters with something visible in it, without surrounding whitespace, control characters, line separators or bidirectional overrides`,
    );
  }
  if (!isTokenRole(role)) {
    return fail('role', '"role" must be one of the token roles (system is not allowed)');
  }

  const municipalityList = parseMunicipalities(municipalities, role);
  if (municipalityList === undefined) {
    return fail(
      'municipalities',
      CROSS_MUNICIPALITY_ROLES.includes(role)
        ? '"municipalities" must be an array of CBS codes (GMxxxx)'
        : `"municipalities" must be a non-empty array of CBS codes (GMxxxx) for role ${role}`,
    );
  }

  const tableList = parseTables(tables);
  if (tableList === undefined) {
    return fail('tables', '"tables" must be an array of table ids');
  }

  if (jti !== undefined && (typeof jti !== 'string' || !TOKEN_ID.test(jti))) {
    return fail('jti', '"jti" must be a short identifier string');
  }

  const principal: Principal = Object.freeze({
    subject: sub,
    role,
    municipalities: Object.freeze(municipalityList),
    tables: Object.freeze(tableList),
    ...(jti !== undefined ? { tokenId: jti } : {}),
    ...expiryOf(exp),
  });
  return { ok: true, principal };
}

/** The `exp` claim (seconds) as a date; none when absent (the issuer checks claims before `exp` is set) or past what a date holds. */
function expiryOf(exp: unknown): { expiresAt: Date } | Record<string, never> {
  const expiresAt = typeof exp === 'number' ? new Date(exp * 1000) : undefined;
  return expiresAt !== undefined && !Number.isNaN(expiresAt.getTime()) ? { expiresAt } : {};
}

function parseMunicipalities(value: unknown, role: TokenRole): string[] | undefined {
  if (value === undefined) {
    return CROSS_MUNICIPALITY_ROLES.includes(role) ? [] : undefined;
  }
  if (!Array.isArray(value) || value.length > MAX_MUNICIPALITIES || !value.every(isMunicipalityCode)) {
    return undefined;
  }
  if (value.length === 0 && !CROSS_MUNICIPALITY_ROLES.includes(role)) {
    return undefined;
  }
  return [...new Set(value)];
}

function parseTables(value: unknown): string[] | undefined {
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || value.length > MAX_TABLES || !value.every((t) => typeof t === 'string' && TABLE_ID.test(t))) {
    return undefined;
  }
  return [...new Set(value as string[])];
}

function fail(problem: ClaimProblem, message: string): ClaimsResult {
  return { ok: false, problem, message };
}
