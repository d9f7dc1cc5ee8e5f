import { createPublicKey } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { JWK } from 'jose';
import { SecurityConfigError } from './security.errors.js';
import { configuredKeyVariables, type SecurityOptions } from './security.options.js';
import { SigningKeys } from './signing-keys.js';

/** Asymmetric algorithms we accept. Symmetric (HS*) and `none` are never accepted. */
export type VerificationAlgorithm = 'ES256' | 'RS256' | 'EdDSA' | 'Ed25519';

/** A configured public key, imported once at start-up and pinned to the one algorithm it may verify. */
export interface VerificationKey {
  readonly alg: VerificationAlgorithm;
  readonly kid?: string;
  readonly key: KeyObject;
}

/** Public keys to verify tokens with (imported at start-up), plus the algorithms those keys imply. */
export interface VerificationKeySet {
  readonly keys: readonly VerificationKey[];
  readonly algorithms: readonly VerificationAlgorithm[];
}

const MAX_JWKS_FILE_BYTES = 1024 * 1024;
const MAX_KEYS = 100;
const MIN_RSA_MODULUS_BYTES = 256; // 2048 bits
/** JWK members that hold key material as base64url. */
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** JWK members that only private or symmetric keys have. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;

/**
 * Resolves the verification keys for the configured mode: the embedded key pair in the data folder,
 * or (production) the configured JWKS file / PEM. Production never touches a private key, and embedded mode
 * is refused when keys are configured (they would be ignored and the embedded key pair trusted instead).
 */
export async function resolveVerificationKeys(options: SecurityOptions): Promise<VerificationKeySet> {
  if (options.mode === 'embedded') {
    const configured = configuredKeyVariables(options);
    if (configured.length > 0) {
      throw new SecurityConfigError(`Embedded mode (SIGNAALROUTE_AUTH_MODE=embedded) cannot be combined with ${configured.join(' and ')}`);
    }
    return verificationKeysFromJwks((await SigningKeys.loadOrCreate(options.dataDir)).jwks(), 'embedded signing key');
  }
  if (options.publicKeysFile && options.publicKeyPem) {
    throw new SecurityConfigError('Configure either JWT_PUBLIC_KEYS_FILE or JWT_PUBLIC_KEY_PEM, not both');
  }
  if (options.publicKeysFile) {
    return loadVerificationKeysFile(options.publicKeysFile);
  }
  if (options.publicKeyPem) {
    return verificationKeysFromPem(options.publicKeyPem);
  }
  throw new SecurityConfigError('Production mode needs JWT_PUBLIC_KEYS_FILE or JWT_PUBLIC_KEY_PEM');
}

/** Reads a JWKS JSON file (`{ "keys": [...] }`) of public keys. */
export async function loadVerificationKeysFile(file: string): Promise<VerificationKeySet> {
  let text: string;
  try {
    if ((await stat(file)).size > MAX_JWKS_FILE_BYTES) {
      throw new SecurityConfigError(`JWKS file ${file} is larger than ${MAX_JWKS_FILE_BYTES} bytes`);
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof SecurityConfigError) throw error;
    throw new SecurityConfigError(`JWKS file ${file} cannot be read`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SecurityConfigError(`JWKS file ${file} is not valid JSON`);
  }
  return verificationKeysFromJwks(parsed, `JWKS file ${file}`);
}

/** Accepts a single SPKI PEM (`-----BEGIN PUBLIC KEY-----`); `\n` escapes from env vars are allowed. */
export function verificationKeysFromPem(pem: string): VerificationKeySet {
  const text = pem.replace(/\\n/g, '\n').trim();
  // createPublicKey would happily derive a public key from a private PEM; refuse private material outright.
  if (!/^-----BEGIN PUBLIC KEY-----\r?\n[\s\S]+\r?\n-----END PUBLIC KEY-----$/.test(text)) {
    throw new SecurityConfigError('JWT_PUBLIC_KEY_PEM must be a single SPKI "BEGIN PUBLIC KEY" PEM');
  }
  let jwk: JWK;
  try {
    jwk = createPublicKey({ key: text, format: 'pem' }).export({ format: 'jwk' }) as JWK;
  } catch {
    throw new SecurityConfigError('JWT_PUBLIC_KEY_PEM cannot be parsed');
  }
  return verificationKeysFromJwks({ keys: [jwk] }, 'JWT_PUBLIC_KEY_PEM');
}

/**
 * Validates a JWK Set of public signature keys and pins each key to one algorithm:
 * EC P-256 → ES256, RSA (≥ 2048 bit) → RS256, OKP Ed25519 → EdDSA. Private or symmetric keys are refused,
 * which (with the algorithm allow-list) rules out HS256 key-confusion.
 */
export function verificationKeysFromJwks(value: unknown, source: string): VerificationKeySet {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (typeof value !== 'object' || value === null || !Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) {
    throw new SecurityConfigError(`${source}: expected {"keys": [...]} with 1..${MAX_KEYS} keys`);
  }
  const accepted = keys.map((key, index) => pinAlgorithm(key, `${source} key #${index}`));
  const imported = accepted.map((jwk, index) => importVerificationKey(jwk, `${source} key #${index}`));
  const algorithms = [...new Set(accepted.map((k) => k.alg as VerificationAlgorithm))];
  return Object.freeze({ keys: Object.freeze(imported), algorithms: Object.freeze(algorithms) });
}

/**
 * Imports a pinned key, so that a key which passes the shape checks but cannot verify anything (coordinates
 * that are no point on the curve, a pasted-over member, an exponent that is not base64url) stops the start
 * instead of answering every request 401 with nothing logged.
 */
function importVerificationKey(jwk: JWK, where: string): VerificationKey {
  const alg = jwk.alg as VerificationAlgorithm;
  const unusable = () => new SecurityConfigError(`${where}: not a usable ${alg} public key`);
  // Node's base64url decoder skips characters it does not know, so "!!" would import as an empty exponent.
  for (const member of ['x', 'y', 'n', 'e'] as const) {
    if (jwk[member] !== undefined && !BASE64URL.test(jwk[member])) throw unusable();
  }
  if (jwk.kty === 'RSA') {
    const exponent = BigInt(`0x${Buffer.from(jwk.e!, 'base64url').toString('hex') || '0'}`);
    if (exponent < 3n || exponent % 2n === 0n) throw unusable();
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    throw unusable();
  }
  return Object.freeze({ alg, key, ...(jwk.kid === undefined ? {} : { kid: jwk.kid }) });
}

function pinAlgorithm(key: unknown, where: string): JWK {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) {
    throw new SecurityConfigError(`${where}: not a JWK object`);
  }
  const jwk = key as JWK & Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) {
    throw new SecurityConfigError(`${where}: private or symmetric key material is not allowed in the verification keys`);
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') {
    throw new SecurityConfigError(`${where}: "use" must be "sig"`);
  }
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) {
    throw new SecurityConfigError(`${where}: "key_ops" must include "verify"`);
  }
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') {
    throw new SecurityConfigError(`${where}: "kid" must be a string`);
  }
  const alg = expectedAlgorithm(jwk, where);
  if (jwk.alg !== undefined && jwk.alg !== alg && !(alg === 'EdDSA' && jwk.alg === 'Ed25519')) {
    throw new SecurityConfigError(`${where}: "alg" ${String(jwk.alg)} is not allowed for this key type`);
  }
  return { ...jwk, alg: jwk.alg ?? alg };
}

function expectedAlgorithm(jwk: JWK, where: string): VerificationAlgorithm {
  switch (jwk.kty) {
    case 'EC':
      if (jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
        throw new SecurityConfigError(`${where}: EC keys must be P-256`);
      }
      return 'ES256';
    case 'RSA':
      if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string' || Buffer.from(jwk.n, 'base64url').length < MIN_RSA_MODULUS_BYTES) {
        throw new SecurityConfigError(`${where}: RSA keys must have a modulus of at least 2048 bits`);
      }
      return 'RS256';
    case 'OKP':
      if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
        throw new SecurityConfigError(`${where}: OKP keys must be Ed25519`);
      }
      return 'EdDSA';
    default:
      throw new SecurityConfigError(`${where}: key type must be EC, RSA or OKP`);
  }
}
