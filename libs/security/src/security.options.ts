import { SecurityConfigError } from './security.errors.js';

/**
 * Configuration of the security library.
 * - `embedded`: single-instance/dev default. An ES256 key pair lives in `<dataDir>/keys`; the instance
 *   verifies tokens minted by `scripts/token.ts` with the same data folder.
 * - `production`: only verification keys from configuration (JWKS file or one SPKI PEM); no private key.
 */
export interface SecurityOptions {
  mode: 'embedded' | 'production';
  /** Data folder (`SIGNAALROUTE_DATA_DIR`); used in embedded mode for the key pair. */
  dataDir: string;
  /** Expected `iss` (`JWT_ISSUER`). */
  issuer: string;
  /** Expected `aud` (`JWT_AUDIENCE`). */
  audience: string;
  /** Path of a JWKS JSON file with the verification keys (`JWT_PUBLIC_KEYS_FILE`). */
  publicKeysFile?: string;
  /** A single SPKI PEM public key (`JWT_PUBLIC_KEY_PEM`); alternative to `publicKeysFile`. */
  publicKeyPem?: string;
  /** Allowed clock skew for `exp`/`nbf`; default 30 s. */
  clockToleranceSeconds?: number;
  /** Tokens above this size are rejected before parsing; default 8 KiB. */
  maxTokenBytes?: number;
}

export const DEFAULT_DATA_DIR = './.signaalroute';
export const DEFAULT_ISSUER = 'signaalroute';
export const DEFAULT_AUDIENCE = 'signaalroute-api';
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
export const DEFAULT_MAX_TOKEN_BYTES = 8 * 1024;

/**
 * Reads `SecurityOptions` from environment variables:
 * `SIGNAALROUTE_DATA_DIR`, `JWT_ISSUER`, `JWT_AUDIENCE`, `JWT_PUBLIC_KEYS_FILE`, `JWT_PUBLIC_KEY_PEM`,
 * `SIGNAALROUTE_AUTH_MODE` (`embedded` | `production`). Without an explicit mode, configured public
 * keys imply `production`, otherwise `embedded`.
 */
export function securityOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SecurityOptions {
  const publicKeysFile = nonEmpty(env.JWT_PUBLIC_KEYS_FILE);
  const publicKeyPem = nonEmpty(env.JWT_PUBLIC_KEY_PEM);
  const explicitMode = nonEmpty(env.SIGNAALROUTE_AUTH_MODE);
  if (explicitMode !== undefined && explicitMode !== 'embedded' && explicitMode !== 'production') {
    throw new SecurityConfigError('SIGNAALROUTE_AUTH_MODE must be "embedded" or "production"');
  }
  const mode = explicitMode ?? (publicKeysFile || publicKeyPem ? 'production' : 'embedded');
  return {
    mode,
    dataDir: nonEmpty(env.SIGNAALROUTE_DATA_DIR) ?? DEFAULT_DATA_DIR,
    issuer: nonEmpty(env.JWT_ISSUER) ?? DEFAULT_ISSUER,
    audience: nonEmpty(env.JWT_AUDIENCE) ?? DEFAULT_AUDIENCE,
    ...(publicKeysFile ? { publicKeysFile } : {}),
    ...(publicKeyPem ? { publicKeyPem } : {}),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
