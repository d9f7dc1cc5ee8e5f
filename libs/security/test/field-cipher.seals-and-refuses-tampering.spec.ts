import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FieldCipher, FieldDecryptionError, loadOrCreateLocalMasterKeys, MASTER_KEY_FILE, masterKeysFromConfig } from '#security';
import { makeTempDataDir, removeDir } from './support/security-fixtures.js';

const cipher = new FieldCipher(randomBytes(32));
const reporter = JSON.stringify({ name: 'A. Jansen', contact: '06-12345678', relation: 'familie' });

describe('field encryption (AES-256-GCM)', () => {
  it('round-trips, and the sealed value shows nothing of the plaintext', () => {
    const sealed = cipher.encrypt(reporter, 'signal-1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('Jansen');
    expect(cipher.decrypt(sealed, 'signal-1')).toBe(reporter);
    expect(cipher.encrypt(reporter, 'signal-1')).not.toBe(sealed); // fresh IV every time
  });

  it('refuses a value moved to another row (other associated data), altered, or sealed under another key', () => {
    const sealed = cipher.encrypt(reporter, 'signal-1');
    expect(() => cipher.decrypt(sealed, 'signal-2')).toThrow(FieldDecryptionError);
    const [v, iv, tag, ct] = sealed.split('.');
    const flipped = Buffer.from(ct!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => cipher.decrypt([v, iv, tag, flipped.toString('base64url')].join('.'), 'signal-1')).toThrow(FieldDecryptionError);
    expect(() => new FieldCipher(randomBytes(32)).decrypt(sealed, 'signal-1')).toThrow(FieldDecryptionError);
    expect(() => cipher.decrypt('not-sealed', 'signal-1')).toThrow(FieldDecryptionError);
  });

  it('keeps the embedded master key in the data folder (0600) and reuses it; a configured key must be 256 bits', () => {
    const dir = makeTempDataDir();
    try {
      const first = loadOrCreateLocalMasterKeys(dir).current.key;
      expect(loadOrCreateLocalMasterKeys(dir).current.key.equals(first)).toBe(true);
      const file = path.join(dir, 'keys', MASTER_KEY_FILE);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toHaveLength(64);
      expect(masterKeysFromConfig('ab'.repeat(32)).current.key.toString('hex')).toBe('ab'.repeat(32));
      expect(() => masterKeysFromConfig('abc')).toThrow(/64 hexadecimal/);
    } finally {
      removeDir(dir);
    }
  });
});
