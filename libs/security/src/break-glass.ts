import { randomUUID } from 'node:crypto';
import type { Role } from '#contracts';
import { isBlankText, visibleLength, visibleWords } from '#domain';
import { isMunicipalityCode, type BreakGlass, type Principal } from './principal.js';

/**
 * Break-the-glass: a coordinator reads one object of a municipality outside their token's scope, stating
 * why. The request names the municipality it enters (`Break-Glass-Municipality`) and the reason
 * (`Break-Glass-Reason`); for that one request the principal may act in that one municipality too, and the
 * processing log flags every line of it with the access id and the reason, for an auditor to review.
 *
 * Deliberately narrow:
 * - only `coordinator` (the casusregisseur, who may need a neighbouring municipality's signal or case in an
 *   emergency). Table members see cases only through their table's referrals, police liaisons only
 *   escalations, auditors and admins already work across municipalities without needing subject access;
 * - only the reads in `BREAK_GLASS_READS`: one signal, one case. Never a list, count or stream (that would
 *   be a sweep, not a need), never the reporter vault;
 * - never a write: a write outside one's municipality would act for an organisation one does not work
 *   for, and would put an event in the other municipality's ledger that its own coordinators did not
 *   decide. Whoever needs to act asks that municipality's coordinator.
 */
export const BREAK_GLASS_REASON_HEADER = 'break-glass-reason';
export const BREAK_GLASS_MUNICIPALITY_HEADER = 'break-glass-municipality';

/** Roles that may break the glass. */
export const BREAK_GLASS_ROLES: readonly Role[] = ['coordinator'];

/** The reads on which the glass may be broken, as `METHOD route` with the router's `:param` syntax. */
export const BREAK_GLASS_READS: readonly string[] = ['GET /v1/signals/:id', 'GET /v1/cases/:id'];

export const BREAK_GLASS_REASON_MIN_LENGTH = 20;
export const BREAK_GLASS_REASON_MIN_WORDS = 3;
export const BREAK_GLASS_REASON_MAX_LENGTH = 500;

export type BreakGlassErrorCode =
  | 'BREAK_GLASS.WRITE_NOT_ALLOWED'
  | 'BREAK_GLASS.ROLE_NOT_ALLOWED'
  | 'BREAK_GLASS.ROUTE_NOT_ALLOWED'
  | 'BREAK_GLASS.REASON_REQUIRED'
  | 'BREAK_GLASS.REASON_INVALID'
  | 'BREAK_GLASS.REASON_TOO_SHORT'
  | 'BREAK_GLASS.REASON_TOO_LONG'
  | 'BREAK_GLASS.MUNICIPALITY_REQUIRED'
  | 'BREAK_GLASS.MUNICIPALITY_INVALID'
  | 'BREAK_GLASS.NOT_NEEDED';

/** A refused break-the-glass request: 403 when the caller may not break the glass here, 400 when the headers are wrong. */
export class BreakGlassError extends Error {
  constructor(
    readonly code: BreakGlassErrorCode,
    readonly httpStatus: 400 | 403,
    message: string,
  ) {
    super(message);
    this.name = 'BreakGlassError';
  }
}

/** What the guard knows of a request. `route` is the matched route pattern, e.g. `/v1/cases/:id`. */
export interface BreakGlassRequest {
  method: string;
  route: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

// Control characters (C0, DEL, C1) and line/paragraph separators: a reason is one line of text.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/**
 * The break-the-glass access a request asks for, or null when it carries neither header (then nothing
 * differs from an ordinary request).
 * @throws BreakGlassError when the caller may not break the glass here or the headers are not valid
 */
export function breakGlassOf(principal: Principal, request: BreakGlassRequest, newId: () => string = randomUUID): BreakGlass | null {
  const rawReason = request.headers[BREAK_GLASS_REASON_HEADER];
  const rawMunicipality = request.headers[BREAK_GLASS_MUNICIPALITY_HEADER];
  if (rawReason === undefined && rawMunicipality === undefined) return null;
  if (request.method !== 'GET') throw new BreakGlassError('BREAK_GLASS.WRITE_NOT_ALLOWED', 403, 'Break-the-glass applies to reading one object, never to a write');
  if (!BREAK_GLASS_ROLES.includes(principal.role)) throw new BreakGlassError('BREAK_GLASS.ROLE_NOT_ALLOWED', 403, 'Your role cannot break the glass');
  if (request.route === undefined || !BREAK_GLASS_READS.includes(`GET ${request.route}`)) {
    throw new BreakGlassError('BREAK_GLASS.ROUTE_NOT_ALLOWED', 403, 'The glass can be broken only to read one signal or one case');
  }
  const reason = breakGlassReason(rawReason);
  const municipality = enteredMunicipality(principal, rawMunicipality);
  return { id: newId(), reason, municipality };
}

/**
 * The reason as stated: percent-encoded UTF-8 is decoded (HTTP headers carry ASCII), surrounding space
 * trimmed; at least `BREAK_GLASS_REASON_MIN_LENGTH` characters and `BREAK_GLASS_REASON_MIN_WORDS` words as a reader
 * sees them (`visibleWords`, one space between them), so invisible characters (a zero-width space, a word joiner, a
 * BOM, direction marks) cannot pad a short reason past the minimum; at most `BREAK_GLASS_REASON_MAX_LENGTH`
 * characters as sent, which is what is kept. A reason with nothing visible in it (`%E2%80%8B`, a zero-width space;
 * `%E3%80%80`, an ideographic space) counts as none, as blank text does everywhere (`isBlankText`): `REASON_REQUIRED`.
 * @throws BreakGlassError 400
 */
export function breakGlassReason(raw: string | string[] | undefined): string {
  if (Array.isArray(raw)) throw new BreakGlassError('BREAK_GLASS.REASON_INVALID', 400, 'Send one Break-Glass-Reason header');
  if (raw === undefined || raw.trim() === '') throw new BreakGlassError('BREAK_GLASS.REASON_REQUIRED', 400, 'Breaking the glass needs a reason (Break-Glass-Reason)');
  let reason: string;
  try {
    reason = decodeURIComponent(raw).trim();
  } catch {
    throw new BreakGlassError('BREAK_GLASS.REASON_INVALID', 400, 'Break-Glass-Reason must be text, percent-encoded UTF-8 where it is not ASCII (write % as %25)');
  }
  if (isBlankText(reason)) throw new BreakGlassError('BREAK_GLASS.REASON_REQUIRED', 400, 'Breaking the glass needs a reason (Break-Glass-Reason)');
  if (CONTROL.test(reason)) throw new BreakGlassError('BREAK_GLASS.REASON_INVALID', 400, 'Break-Glass-Reason must be one line of text without control characters');
  if (visibleLength(reason) < BREAK_GLASS_REASON_MIN_LENGTH || visibleWords(reason).length < BREAK_GLASS_REASON_MIN_WORDS) {
    throw new BreakGlassError('BREAK_GLASS.REASON_TOO_SHORT', 400, `State the reason in at least ${BREAK_GLASS_REASON_MIN_WORDS} words and ${BREAK_GLASS_REASON_MIN_LENGTH} characters`);
  }
  if ([...reason].length > BREAK_GLASS_REASON_MAX_LENGTH) throw new BreakGlassError('BREAK_GLASS.REASON_TOO_LONG', 400, `The reason may be at most ${BREAK_GLASS_REASON_MAX_LENGTH} characters`);
  return reason;
}

/**
 * The municipality the request enters: a CBS code outside the principal's own municipalities.
 * @throws BreakGlassError 400
 */
function enteredMunicipality(principal: Principal, raw: string | string[] | undefined): string {
  if (raw === undefined || (typeof raw === 'string' && raw.trim() === '')) {
    throw new BreakGlassError('BREAK_GLASS.MUNICIPALITY_REQUIRED', 400, 'Name the municipality whose object you need (Break-Glass-Municipality)');
  }
  const code = Array.isArray(raw) ? undefined : raw.trim();
  if (!isMunicipalityCode(code)) throw new BreakGlassError('BREAK_GLASS.MUNICIPALITY_INVALID', 400, 'Break-Glass-Municipality must be one CBS code (GMxxxx)');
  if (principal.municipalities.includes(code)) throw new BreakGlassError('BREAK_GLASS.NOT_NEEDED', 400, 'That municipality is already yours: read without breaking the glass');
  return code;
}

/**
 * The one object a request that broke the glass reads must lie in the municipality it entered. One found in the
 * caller's own municipalities is refused with `NOT_NEEDED`, as naming an own municipality is: it is read without
 * breaking the glass, and answered here it would be recorded as an access to the municipality named, which the
 * reviewer would judge for an object that is not there. (An object of a third municipality lies outside the scope
 * the request got and answers 404 like one that does not exist, before this is asked.)
 * @param objectMunicipality the municipality of the object read, within the principal's scope
 * @throws BreakGlassError 400 `BREAK_GLASS.NOT_NEEDED`
 */
export function requireObjectInEnteredMunicipality(principal: Principal, objectMunicipality: string): void {
  const entered = principal.breakGlass?.municipality;
  if (entered !== undefined && objectMunicipality !== entered) {
    throw new BreakGlassError('BREAK_GLASS.NOT_NEEDED', 400, 'This signal or case lies in one of your own municipalities: read it without breaking the glass');
  }
}

/** The principal for the one request that broke the glass: its own municipalities plus the one entered. */
export function withBreakGlass(principal: Principal, breakGlass: BreakGlass): Principal {
  return { ...principal, municipalities: [...principal.municipalities, breakGlass.municipality], breakGlass };
}
