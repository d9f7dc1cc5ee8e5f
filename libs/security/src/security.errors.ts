/**
 * Errors raised by the security library. They carry a stable `code` (what clients match on) and the
 * `httpStatus` the global exception filter should answer with. Messages are fixed texts: they never
 * contain token contents, claims or keys, so they are safe to log and to return.
 */
export type AuthenticationErrorCode =
  | 'AUTH.TOKEN_MISSING'
  | 'AUTH.TOKEN_INVALID'
  | 'AUTH.TOKEN_EXPIRED'
  | 'AUTH.TOKEN_TOO_LARGE'
  | 'AUTH.CLAIMS_INVALID'
  /** The `Authorization` header was sent more than once. */
  | 'AUTH.HEADER_REPEATED';

export type ForbiddenErrorCode = 'AUTH.ROLE_NOT_ALLOWED' | 'AUTH.MUNICIPALITY_NOT_ALLOWED';

/** Common base so the exception filter can match every security error with one `instanceof`. */
export abstract class SecurityError extends Error {
  abstract readonly code: string;
  abstract readonly httpStatus: 401 | 403;
}

/** The caller could not be authenticated (HTTP 401). */
export class AuthenticationError extends SecurityError {
  readonly httpStatus = 401 as const;

  /**
   * @param code stable error code
   * @param message fixed, client-safe text
   * @param reason short fixed keyword for logs (e.g. `signature`, `issuer`); never token contents
   */
  constructor(
    readonly code: AuthenticationErrorCode,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'AuthenticationError';
  }
}

/** The caller is authenticated but not allowed to do this (HTTP 403). */
export class ForbiddenError extends SecurityError {
  readonly httpStatus = 403 as const;

  constructor(
    readonly code: ForbiddenErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** Key material or security configuration is unusable; raised at startup, never per request. */
export class SecurityConfigError extends Error {
  readonly code = 'SECURITY.CONFIG_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'SecurityConfigError';
  }
}
