import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const MASTER_KEY_FILE = 'field-encryption.key';
/** Folder under `<dataDir>/keys/` holding the embedded default's previous (retiring) master keys, one `*.key` file each. */
export const PREVIOUS_MASTER_KEYS_DIR = 'previous-master-keys';

/** A 256-bit master key with its id: a fingerprint that names the key in `data_keys` without revealing it. */
export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

/** The master key new data keys are wrapped under, and the previous ones that still unwrap older rows. */
export interface MasterKeys {
  readonly current: MasterKey;
  readonly previous: readonly MasterKey[];
}

/** A master key configuration that cannot be used (bad hex, wrong length, a key listed twice). */
export class MasterKeyConfigError extends Error {
  readonly code = 'CONFIG.MASTER_KEY_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'MasterKeyConfigError';
  }
}

/** `mk-` and 16 hex characters of an HMAC of a fixed label under the key: stable, and useless for guessing the key. */
export function masterKeyId(key: Buffer): string {
  return `mk-${createHmac('sha256', key).update('signaalroute/master-key-id/v1').digest('hex').slice(0, 16)}`;
}

/** The key written as 64 hex characters in `source` (a variable or file name, for the error). */
export function parseMasterKeyHex(hex: string, source: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new MasterKeyConfigError(`${source} must be 64 hexadecimal characters (256 bits)`);
  return Buffer.from(hex, 'hex');
}

/** The current key and the previous ones, each named by its source; refuses a key that appears twice. */
export function masterKeySet(current: { key: Buffer; source: string }, previous: readonly { key: Buffer; source: string }[]): MasterKeys {
  const seen = new Map<string, string>();
  const named = [current, ...previous].map(({ key, source }) => {
    const id = masterKeyId(key);
    const first = seen.get(id);
    if (first !== undefined) throw new MasterKeyConfigError(`${source} is the same key (${id}) as ${first}: list each master key once, and never the current one as previous`);
    seen.set(id, source);
    return { id, key };
  });
  return { current: named[0]!, previous: named.slice(1) };
}

/**
 * The configured keys: `SIGNAALROUTE_MASTER_KEY` (64 hex) and `SIGNAALROUTE_PREVIOUS_MASTER_KEYS`
 * (comma-separated 64-hex keys that are being retired). @throws MasterKeyConfigError naming the variable and entry.
 */
export function masterKeysFromConfig(currentHex: string, previousList?: string): MasterKeys {
  const current = { key: parseMasterKeyHex(currentHex, 'SIGNAALROUTE_MASTER_KEY'), source: 'SIGNAALROUTE_MASTER_KEY' };
  const entries = previousList === undefined || previousList.trim() === '' ? [] : previousList.split(',').map((s) => s.trim());
  const previous = entries.map((hex, i) => {
    const source = `SIGNAALROUTE_PREVIOUS_MASTER_KEYS entry ${i + 1}`;
    return { key: parseMasterKeyHex(hex, source), source };
  });
  return masterKeySet(current, previous);
}

/**
 * The embedded default's key file set in `<dataDir>/keys/`: the current key `field-encryption.key`, generated
 * once (mode 0600; written to a temporary file and hard-linked into place — a link never overwrites — so two
 * processes starting together end up with one key and never read a half-written one), and the previous keys,
 * one `*.key` file each in `previous-master-keys/`. @throws MasterKeyConfigError naming the file.
 */
export function loadOrCreateLocalMasterKeys(dataDir: string): MasterKeys {
  const dir = path.join(dataDir, 'keys');
  const file = path.join(dir, MASTER_KEY_FILE);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, randomBytes(32).toString('hex'), { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temp);
  }
  const previousDir = path.join(dir, PREVIOUS_MASTER_KEYS_DIR);
  const previousFiles = existsSync(previousDir) ? readdirSync(previousDir).filter((name) => name.endsWith('.key')).sort().map((name) => path.join(previousDir, name)) : [];
  const read = (source: string) => ({ key: parseMasterKeyHex(readFileSync(source, 'utf8').trim(), source), source });
  return masterKeySet(read(file), previousFiles.map(read));
}
