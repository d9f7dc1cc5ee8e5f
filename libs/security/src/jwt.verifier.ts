import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { ProtectedHeaderParameters } from 'jose';
import { singleAuthorizationHeader } from './authorization-header.js';
import type { Principal } from './principal.js';
import { AuthenticationError } from './security.errors.js';
import {
  DEFAULT_AUDIENCE,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_ISSUER,
  DEFAULT_MAX_TOKEN_BYTES,
} from './security.options.js';
import type { SecurityOptions } from './security.options.js';
import { principalFromClaims } from './token-claims.validator.js';
import { candidateKeys } from './verification-key-candidates.js';
import type { VerificationKeySet } from './verification-keys.js';
import { resolveVerificationKeys } from './verification-keys.js';

/** Settings of a verifier besides its keys. */
export interface JwtVerifierSettings {
  issuer?: string;
  audience?: string;
  clockToleranceSeconds?: number;
  maxTokenBytes?: number;
}

/** Compact JWS: three base64url segments. Anything else (JWE, JSON serialization, junk) is refused early. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Verifies bearer tokens (compact JWS, via `jose`) against the configured public keys and turns them
 * into a `Principal`. Every failure is an `AuthenticationError` with a stable code; nothing from the
 * token ends up in error messages.
 */
export class JwtVerifier {
  private readonly issuer: string;
  private readonly audience: string;
  private readonly clockTolerance: number;
  private readonly maxTokenBytes: number;
  /**
   * Tokens whose signature and claims were verified, until they expire. Saves an ECDSA verification per
   * request (the largest CPU cost of a small request); the cache is bounded and drops its oldest entries.
   */
  private readonly verified = new Map<string, { principal: Principal; expMs: number; nbfMs: number }>();
  private static readonly CACHE_SIZE = 10_000;

  constructor(
    private readonly keys: VerificationKeySet,
    settings: JwtVerifierSettings = {},
  ) {
    if (keys.algorithms.length === 0) {
      throw new Error('JwtVerifier needs at least one verification key');
    }
    this.issuer = settings.issuer ?? DEFAULT_ISSUER;
    this.audience = settings.audience ?? DEFAULT_AUDIENCE;
    this.clockTolerance = settings.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
    this.maxTokenBytes = settings.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES;
  }

  /** Builds a verifier from `SecurityOptions` (loads the embedded key or the configured public keys). */
  static async create(options: SecurityOptions): Promise<JwtVerifier> {
    return new JwtVerifier(await resolveVerificationKeys(options), options);
  }

  /** The JWS algorithms this verifier accepts (derived from the configured key types). */
  get algorithms(): readonly string[] {
    return this.keys.algorithms;
  }

  /**
   * Verifies the value of an `Authorization` header (`Bearer <token>`), given as a list when it was sent more than once.
   * @throws AuthenticationError `AUTH.TOKEN_MISSING` when there is no bearer token, `AUTH.HEADER_REPEATED` when the
   * header was sent more than once (which of two tokens speaks for the caller is not for the API to choose)
   */
  async verifyAuthorizationHeader(sent: string | string[] | undefined): Promise<Principal> {
    const header = singleAuthorizationHeader(sent);
    if (header === undefined || header === '') {
      throw new AuthenticationError('AUTH.TOKEN_MISSING', 'A bearer token is required', 'no-header');
    }
    // Size first: never run anything on an oversized header. Slack covers the "Bearer " prefix and spaces.
    if (header.length > this.maxTokenBytes + 64) {
      throw tooLarge();
    }
    const match = BEARER.exec(header);
    if (!match) {
      throw new AuthenticationError('AUTH.TOKEN_MISSING', 'A bearer token is required', 'not-bearer');
    }
    return this.verify(match[1]);
  }

  /**
   * Verifies a compact JWS token and returns the principal it describes.
   * @throws AuthenticationError with code TOKEN_MISSING, TOKEN_TOO_LARGE, TOKEN_INVALID, TOKEN_EXPIRED or CLAIMS_INVALID
   */
  async verify(token: string | undefined): Promise<Principal> {
    if (token === undefined || token === '') {
      throw new AuthenticationError('AUTH.TOKEN_MISSING', 'A bearer token is required', 'empty');
    }
    if (typeof token !== 'string' || Buffer.byteLength(token, 'utf8') > this.maxTokenBytes) {
      throw tooLarge();
    }
    if (!COMPACT_JWS.test(token)) {
      throw invalid('format');
    }
    const now = Date.now();
    const cached = this.verified.get(token);
    if (cached) {
      const tolerance = this.clockTolerance * 1000;
      if (now <= cached.expMs + tolerance && now >= cached.nbfMs - tolerance) return cached.principal;
      this.verified.delete(token); // fall through: jose gives the exact error (expired / not yet valid)
    }

    const payload = await this.verifySignatureAndClaims(token);
    // jose checks `iat` only together with maxTokenAge; a token issued in the future is not valid yet either
    // (a pre-minted token, or an issuer whose clock runs ahead).
    const notBeforeMs = Math.max(typeof payload.nbf === 'number' ? payload.nbf : 0, typeof payload.iat === 'number' ? payload.iat : 0) * 1000;
    if (notBeforeMs > now + this.clockTolerance * 1000) {
      throw invalid('claim:iat');
    }

    const result = principalFromClaims(payload);
    if (!result.ok) {
      throw new AuthenticationError('AUTH.CLAIMS_INVALID', 'The token claims are not valid', result.problem);
    }
    if (this.verified.size >= JwtVerifier.CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, {
      principal: result.principal,
      expMs: Number(payload.exp) * 1000,
      nbfMs: notBeforeMs,
    });
    return result.principal;
  }

  /**
   * Verifies the signature against each configured key the token may have been signed with (see
   * `candidateKeys`), and the registered claims once one verifies. Trying each key keeps a rotation working
   * (the old and the new key published together) for issuers that send no `kid`.
   */
  private async verifySignatureAndClaims(token: string): Promise<Record<string, unknown>> {
    let header: ProtectedHeaderParameters;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw invalid('malformed');
    }
    if (typeof header.alg !== 'string' || !this.keys.algorithms.includes(header.alg as never)) {
      throw invalid('alg');
    }
    if (header.kid !== undefined && typeof header.kid !== 'string') {
      throw invalid('malformed');
    }
    const candidates = candidateKeys(this.keys.keys, header.alg, header.kid);
    if (candidates.length === 0) {
      throw invalid('key');
    }
    for (const candidate of candidates) {
      try {
        const { payload } = await jwtVerify(token, candidate.key, {
          algorithms: [candidate.alg],
          issuer: this.issuer,
          audience: this.audience,
          requiredClaims: ['exp'],
          clockTolerance: this.clockTolerance,
        });
        return payload;
      } catch (error) {
        // Another key's signature: try the next candidate. Anything else (claims) comes from a verified token.
        if (error instanceof errors.JWSSignatureVerificationFailed) continue;
        throw mapJoseError(error);
      }
    }
    throw invalid('signature');
  }
}

function tooLarge(): AuthenticationError {
  return new AuthenticationError('AUTH.TOKEN_TOO_LARGE', 'The token is too large', 'size');
}

function invalid(reason: string): AuthenticationError {
  return new AuthenticationError('AUTH.TOKEN_INVALID', 'The token is not valid', reason);
}

/** Maps jose errors to our codes. jose errors are not passed on: some carry the token payload. */
function mapJoseError(error: unknown): AuthenticationError {
  if (error instanceof errors.JWTExpired) {
    return new AuthenticationError('AUTH.TOKEN_EXPIRED', 'The token has expired', 'exp');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    // Claim names only (iss, aud, nbf, exp, iat): fixed vocabulary, no values.
    return invalid(`claim:${error.claim}`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return invalid('alg');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return invalid('signature');
  }
  if (error instanceof errors.JOSEError) {
    return invalid('malformed');
  }
  return invalid('unexpected');
}
