import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { FieldCipher, FieldDecryptionError, loadOrCreateMasterKey, MASTER_KEY_FILE } from '#security';
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
      const first = loadOrCreateMasterKey(dir);
      expect(loadOrCreateMasterKey(dir).equals(first)).toBe(true);
      const file = path.join(dir, 'keys', MASTER_KEY_FILE);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toHaveLength(64);
      expect(loadOrCreateMasterKey(dir, 'ab'.repeat(32)).toString('hex')).toBe('ab'.repeat(32));
      expect(() => loadOrCreateMasterKey(dir, 'abc')).toThrow(/64 hexadecimal/);
    } finally {
      removeDir(dir);
    }
  });
});
