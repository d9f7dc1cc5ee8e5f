import { envSetting } from './env-setting.js';
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
 * keys imply `production`, otherwise `embedded`; see `authMode` for the combinations that are refused. Any of
 * them set but blank is refused (`envSetting`), so a blank key variable never means "no keys: embedded mode".
 */
export function securityOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SecurityOptions {
  const publicKeysFile = envSetting(env, 'JWT_PUBLIC_KEYS_FILE');
  const publicKeyPem = envSetting(env, 'JWT_PUBLIC_KEY_PEM');
  const explicitMode = envSetting(env, 'SIGNAALROUTE_AUTH_MODE');
  const dataDir = envSetting(env, 'SIGNAALROUTE_DATA_DIR');
  const issuer = envSetting(env, 'JWT_ISSUER');
  const audience = envSetting(env, 'JWT_AUDIENCE');
  return {
    mode: authMode(explicitMode, { publicKeysFile, publicKeyPem }),
    dataDir: dataDir ?? DEFAULT_DATA_DIR,
    issuer: issuer ?? DEFAULT_ISSUER,
    audience: audience ?? DEFAULT_AUDIENCE,
    ...(publicKeysFile ? { publicKeysFile } : {}),
    ...(publicKeyPem ? { publicKeyPem } : {}),
  };
}

/**
 * The mode `SIGNAALROUTE_AUTH_MODE` asks for, or the one the configured keys imply. Refused (SecurityConfigError):
 * a value other than `embedded` or `production`, and `embedded` next to configured verification keys — that
 * would ignore the keys and trust the data folder's key pair, whose tokens `npm run token` mints for any role.
 */
function authMode(explicitMode: string | undefined, keys: Pick<SecurityOptions, 'publicKeysFile' | 'publicKeyPem'>): SecurityOptions['mode'] {
  if (explicitMode !== undefined && explicitMode !== 'embedded' && explicitMode !== 'production') {
    throw new SecurityConfigError(`SIGNAALROUTE_AUTH_MODE must be "embedded" or "production", not "${explicitMode}"`);
  }
  const configured = configuredKeyVariables(keys);
  if (explicitMode === 'embedded' && configured.length > 0) {
    throw new SecurityConfigError(
      `SIGNAALROUTE_AUTH_MODE=embedded cannot be combined with ${configured.join(' and ')}: the embedded key pair would be trusted instead of the configured keys; remove SIGNAALROUTE_AUTH_MODE (or set it to "production"), or remove ${configured.join(' and ')}`,
    );
  }
  return explicitMode ?? (configured.length > 0 ? 'production' : 'embedded');
}

/** The names of the verification-key variables that are set (`JWT_PUBLIC_KEYS_FILE`, `JWT_PUBLIC_KEY_PEM`). */
export function configuredKeyVariables(keys: Pick<SecurityOptions, 'publicKeysFile' | 'publicKeyPem'>): string[] {
  return [
    ...(nonEmpty(keys.publicKeysFile) ? ['JWT_PUBLIC_KEYS_FILE'] : []),
    ...(nonEmpty(keys.publicKeyPem) ? ['JWT_PUBLIC_KEY_PEM'] : []),
  ];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
