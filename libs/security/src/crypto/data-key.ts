import { FieldCipher } from './field-cipher.js';
import { randomBytesPooled } from './random-pool.js';

/**
 * Envelope encryption of data keys: each subject's (or signal's) 256-bit data key is stored wrapped under
 * the master key (AES-256-GCM, bound to the key id), never in the clear. Destroying the wrapped key is
 * crypto-shredding: every value sealed under it becomes unreadable, wherever a copy of it lives.
 */
export class DataKeyWrapper {
  private readonly master: FieldCipher;

  constructor(masterKey: Buffer) {
    this.master = new FieldCipher(masterKey);
  }

  /** A fresh random data key. */
  static generate(): Buffer {
    return randomBytesPooled(32);
  }

  wrap(keyId: string, dataKey: Buffer): string {
    return this.master.encrypt(dataKey.toString('base64'), `data-key:${keyId}`);
  }

  /** @throws FieldDecryptionError when the wrapped key was altered, moved to another id, or wrapped under another master key. */
  unwrap(keyId: string, wrapped: string): Buffer {
    return Buffer.from(this.master.decrypt(wrapped, `data-key:${keyId}`), 'base64');
  }
}
