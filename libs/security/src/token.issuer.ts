import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Role } from '#contracts';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER } from './security.options.js';
import type { SigningKey } from './signing-keys.js';
import { principalFromClaims } from './token-claims.validator.js';

export const DEFAULT_TOKEN_TTL_SECONDS = 8 * 60 * 60;
/** Embedded tokens are for local use; keep them short-lived even when asked otherwise. */
export const MAX_TOKEN_TTL_SECONDS = 31 * 24 * 60 * 60;

/** What to put in a token. */
export interface TokenRequest {
  role: Role;
  municipalities?: readonly string[];
  tables?: readonly string[];
  /** Defaults to `local-<role>`. */
  subject?: string;
  /** Lifetime; default 8 h, at most 31 days. */
  ttlSeconds?: number;
  issuer?: string;
  audience?: string;
}

/**
 * Signs a token with the embedded key (for the embedded default, the CLI and tests). Refuses requests
 * the verifier would reject (e.g. role `system`, bad CBS codes), throwing a `RangeError` that says why.
 */
export async function issueToken(request: TokenRequest, key: SigningKey): Promise<string> {
  const ttl = request.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TOKEN_TTL_SECONDS) {
    throw new RangeError(`ttlSeconds must be an integer between 1 and ${MAX_TOKEN_TTL_SECONDS}`);
  }
  const claims: Record<string, unknown> = {
    sub: request.subject ?? `local-${request.role}`,
    role: request.role,
    jti: randomUUID(),
    ...(request.municipalities !== undefined ? { municipalities: [...request.municipalities] } : {}),
    ...(request.tables !== undefined ? { tables: [...request.tables] } : {}),
  };
  const checked = principalFromClaims(claims);
  if (!checked.ok) {
    throw new RangeError(checked.message);
  }

  const { sub, ...custom } = claims;
  return new SignJWT(custom)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setSubject(sub as string)
    .setIssuer(request.issuer ?? DEFAULT_ISSUER)
    .setAudience(request.audience ?? DEFAULT_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttl}s`)
    .sign(key.privateKey);
}
