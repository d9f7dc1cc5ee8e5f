import type { Role } from '#contracts';

/** Roles a bearer token may carry. `system` is the product's own actor and never comes from outside. */
export const TOKEN_ROLES = ['intake-system', 'coordinator', 'police-liaison', 'table-member', 'auditor', 'admin'] as const satisfies readonly Role[];
export type TokenRole = (typeof TOKEN_ROLES)[number];

/** Roles that may omit `municipalities` (they work across municipalities). */
export const CROSS_MUNICIPALITY_ROLES: readonly TokenRole[] = ['admin', 'auditor'];

/** CBS municipality code, e.g. `GM0363` (Amsterdam). */
export const MUNICIPALITY_CODE = /^GM\d{4}$/;

/** The authenticated caller, as derived from a verified token. Immutable. */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
  /** CBS codes (GMxxxx) the principal may act in; empty for admin/auditor tokens without the claim. */
  readonly municipalities: readonly string[];
  /** Regional table ids (meaningful for `table-member`). */
  readonly tables: readonly string[];
  /** The token's `jti`, for audit trails. */
  readonly tokenId?: string;
  /** The token's `exp`: a response that outlives the request (a stream) ends then. Absent when the claims had none. */
  readonly expiresAt?: Date;
  /** Set for the one request that broke the glass (`break-glass.ts`); its municipality is then in `municipalities`. */
  readonly breakGlass?: BreakGlass;
}

/** One break-the-glass access: what the processing log records on each of its lines. */
export interface BreakGlass {
  /** Identifies the access (all log lines of the request) for the review. */
  readonly id: string;
  readonly reason: string;
  /** The municipality entered, outside the token's own. */
  readonly municipality: string;
}

/** True when `value` is a syntactically valid CBS municipality code. */
export function isMunicipalityCode(value: unknown): value is string {
  return typeof value === 'string' && MUNICIPALITY_CODE.test(value);
}

/** True when `value` is a role a token may carry (excludes `system`). */
export function isTokenRole(value: unknown): value is TokenRole {
  return typeof value === 'string' && (TOKEN_ROLES as readonly string[]).includes(value);
}
