/** The protection space every 401 names, so a client can tell which credentials the challenge is about. */
export const BEARER_REALM = 'signaalroute';

/** Codes of a token that was sent and refused: the client should get a fresh one (RFC 6750 §3.1 `invalid_token`). */
const REFUSED_TOKEN_CODES = new Set(['AUTH.TOKEN_INVALID', 'AUTH.TOKEN_EXPIRED', 'AUTH.CLAIMS_INVALID', 'AUTH.TOKEN_TOO_LARGE']);

/**
 * The `WWW-Authenticate` value of a 401 (RFC 9110 §11.6.1 makes it a MUST). Without a token the challenge names
 * the realm only (RFC 6750 §3.1: no error code when no credentials were sent); a repeated Authorization header is
 * a malformed request (`invalid_request`), and a refused token is `invalid_token`.
 */
export function bearerChallenge(code: string): string {
  const realm = `Bearer realm="${BEARER_REALM}"`;
  if (REFUSED_TOKEN_CODES.has(code)) return `${realm}, error="invalid_token"`;
  if (code === 'AUTH.HEADER_REPEATED') return `${realm}, error="invalid_request"`;
  return realm;
}
