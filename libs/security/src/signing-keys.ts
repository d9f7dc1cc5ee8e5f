import { randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { chmod, link, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { CryptoKey, JSONWebKeySet, JWK } from 'jose';
import { SecurityConfigError } from './security.errors.js';

export const SIGNING_ALGORITHM = 'ES256';
export const PRIVATE_KEY_FILE = 'jwt-signing.private.jwk.json';
export const PUBLIC_KEY_FILE = 'jwt-signing.public.jwk.json';

/** What `issueToken` needs to sign. */
export interface SigningKey {
  readonly privateKey: CryptoKey;
  readonly kid: string;
  readonly alg: typeof SIGNING_ALGORITHM;
}

/**
 * The embedded ES256 key pair, stored in `<dataDir>/keys` and reused across restarts.
 *
 * Creation is safe against two processes starting at once: the private key is written to a temp file
 * and hard-linked into place, which fails if the file already exists, so exactly one key wins and the
 * loser reads the winner's key. The public JWK file is derived from the private key (idempotent).
 */
export class SigningKeys implements SigningKey {
  readonly alg = SIGNING_ALGORITHM;

  private constructor(
    readonly privateKey: CryptoKey,
    readonly publicKey: CryptoKey,
    /** Public JWK with `kid`, `alg` and `use`; safe to publish. */
    readonly publicJwk: Readonly<JWK>,
    readonly kid: string,
  ) {}

  /** Paths of the key files for a data folder. */
  static paths(dataDir: string): { keysDir: string; privateKeyFile: string; publicKeyFile: string } {
    const keysDir = path.join(path.resolve(dataDir), 'keys');
    return { keysDir, privateKeyFile: path.join(keysDir, PRIVATE_KEY_FILE), publicKeyFile: path.join(keysDir, PUBLIC_KEY_FILE) };
  }

  /** Loads the key pair from `dataDir`, generating and persisting it on first use. */
  static async loadOrCreate(dataDir: string): Promise<SigningKeys> {
    const { keysDir, privateKeyFile, publicKeyFile } = SigningKeys.paths(dataDir);
    await mkdir(keysDir, { recursive: true, mode: 0o700 });

    let privateJwk = await readPrivateJwk(privateKeyFile);
    if (privateJwk === undefined) {
      const generated = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
      const candidate = await exportJWK(generated.privateKey);
      const won = await createExclusively(privateKeyFile, `${JSON.stringify(candidate)}\n`);
      // Lost the race: another process created it between our read and our link; use theirs.
      privateJwk = won ? candidate : await readPrivateJwk(privateKeyFile);
      if (privateJwk === undefined) {
        throw new SecurityConfigError(`Could not create the signing key in ${keysDir}`);
      }
    }
    assertEs256PrivateJwk(privateJwk, privateKeyFile);

    const bareJwk: JWK = { kty: privateJwk.kty, crv: privateJwk.crv, x: privateJwk.x, y: privateJwk.y };
    const kid = await calculateJwkThumbprint(bareJwk);
    const publicJwk: JWK = Object.freeze({ ...bareJwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' });
    await writePublicJwkIfChanged(publicKeyFile, publicJwk);

    const privateKey = (await importJWK({ ...privateJwk, alg: SIGNING_ALGORITHM }, SIGNING_ALGORITHM)) as CryptoKey;
    const publicKey = (await importJWK(publicJwk, SIGNING_ALGORITHM)) as CryptoKey;
    return new SigningKeys(privateKey, publicKey, publicJwk, kid);
  }

  /** The public key as a JWK Set (for the verifier, or to publish). */
  jwks(): JSONWebKeySet {
    return { keys: [{ ...this.publicJwk }] };
  }
}

async function readPrivateJwk(file: string): Promise<JWK | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  await tightenPermissions(file);
  try {
    return JSON.parse(text) as JWK;
  } catch {
    throw new SecurityConfigError(`Signing key file ${file} is not valid JSON; remove it to generate a new key`);
  }
}

function assertEs256PrivateJwk(jwk: JWK, file: string): void {
  const ok =
    typeof jwk === 'object' && jwk !== null && jwk.kty === 'EC' && jwk.crv === 'P-256' &&
    typeof jwk.x === 'string' && typeof jwk.y === 'string' && typeof jwk.d === 'string';
  if (!ok) {
    throw new SecurityConfigError(`Signing key file ${file} does not hold an EC P-256 private JWK`);
  }
}

/** A private key readable by others is a leak; repair it rather than carry on with it. */
async function tightenPermissions(file: string): Promise<void> {
  if (process.platform === 'win32') return;
  const { mode } = await stat(file);
  if ((mode & 0o077) !== 0) {
    await chmod(file, 0o600);
  }
}

/** Creates `file` with `content` (mode 0600) unless it exists. Returns false when another writer won. */
async function createExclusively(file: string, content: string): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeNew(temp, content, 0o600);
  await chmod(temp, 0o600); // umask can only narrow it, but be explicit
  try {
    await link(temp, file); // atomic and never overwrites
    return true;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    if (!isErrno(error, 'EPERM') && !isErrno(error, 'ENOTSUP') && !isErrno(error, 'EXDEV') && !isErrno(error, 'ENOSYS')) throw error;
    // File systems without hard links: fall back to rename (small race window, last writer wins).
    if (await exists(file)) return false;
    await rename(temp, file);
    return true;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function writePublicJwkIfChanged(file: string, jwk: JWK): Promise<void> {
  const content = `${JSON.stringify(jwk)}\n`;
  try {
    if ((await readFile(file, 'utf8')) === content) return;
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw error;
  }
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  try {
    await writeNew(temp, content, 0o644);
    await rename(temp, file); // every writer writes the same content, so last-wins is harmless
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function writeNew(file: string, content: string, mode: number): Promise<void> {
  const handle = await open(file, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, mode);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === code;
}
