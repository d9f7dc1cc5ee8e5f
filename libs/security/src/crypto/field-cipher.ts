import { createCipheriv } from 'node:crypto';
import { openAesGcm } from './aes-gcm-open.js';
import { randomBytesPooled } from './random-pool.js';

const VERSION = 'v1';

/**
 * Authenticated encryption of one field (AES-256-GCM, node:crypto): `v1.<iv>.<tag>.<ciphertext>`, base64url.
 * The associated data binds a ciphertext to its place (e.g. the signal id of its row): moved to another
 * row it no longer decrypts.
 */
export class FieldCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new RangeError('FieldCipher needs a 256-bit key');
  }

  encrypt(plaintext: string, associatedData: string): string {
    const iv = randomBytesPooled(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  /** @throws FieldDecryptionError when the value was altered, moved, or encrypted under another key. */
  decrypt(sealed: string, associatedData: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new FieldDecryptionError();
    try {
      const opened = openAesGcm(this.key, Buffer.from(iv, 'base64url'), Buffer.from(tag, 'base64url'), Buffer.from(ciphertext, 'base64url'), Buffer.from(associatedData, 'utf8'));
      return opened.toString('utf8');
    } catch {
      throw new FieldDecryptionError();
    }
  }
}

export class FieldDecryptionError extends Error {
  readonly code = 'CRYPTO.DECRYPTION_FAILED';
  constructor() {
    super('An encrypted field could not be decrypted: it was altered, moved, or sealed under another key');
    this.name = 'FieldDecryptionError';
  }
}
