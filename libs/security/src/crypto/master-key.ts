import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const MASTER_KEY_FILE = 'field-encryption.key';

/**
 * The key that seals personal fields at rest. Production: `SIGNAALROUTE_MASTER_KEY` (64 hex characters,
 * the same on every process). Embedded default: generated once into `<dataDir>/keys/` (mode 0600), written to
 * a temporary file and hard-linked into place (a link never overwrites), so two processes starting together
 * end up with one key and never read a half-written one.
 */
export function loadOrCreateMasterKey(dataDir: string, configuredHex?: string): Buffer {
  if (configuredHex) {
    if (!/^[0-9a-fA-F]{64}$/.test(configuredHex)) throw new Error('SIGNAALROUTE_MASTER_KEY must be 64 hexadecimal characters (256 bits)');
    return Buffer.from(configuredHex, 'hex');
  }
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
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  if (key.length !== 32) throw new Error(`${file} does not hold a 256-bit key`);
  return key;
}
