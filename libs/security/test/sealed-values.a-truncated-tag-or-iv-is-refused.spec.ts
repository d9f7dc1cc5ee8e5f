import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { DataKeyWrapper, FieldCipher, FieldDecryptionError, openSealedValue, sealValue, SEALED_VALUE_PREFIX } from '#security';

/**
 * GCM lets a decrypter accept a tag shorter than 16 bytes, and any IV length. A stored value whose tag was cut
 * to 4 bytes opened, which brings forging a value down to about 2^32 tries for whoever can write stored values
 * and watch them open. Every value we seal has a 12-byte IV and a 16-byte tag; anything else is refused.
 */

const key = randomBytes(32);
const keyId = randomUUID();

/** `value`'s dot-separated part `index` replaced by `replace(part)`. */
function withPart(value: string, index: number, replace: (bytes: Buffer) => Buffer): string {
  const parts = value.split('.');
  parts[index] = replace(Buffer.from(parts[index]!, 'base64url')).toString('base64url');
  return parts.join('.');
}

/** A value sealed the way `sealValue`/`encrypt` does, but with an IV of `ivBytes` bytes: authentic, only not ours. */
function gcm(ivBytes: number, aad: string, plaintext: string): { iv: string; tag: string; ciphertext: string } {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), ciphertext: ciphertext.toString('base64url') };
}

describe('a truncated tag or an IV that is not 12 bytes is refused', () => {
  it.each([4, 8, 12, 15])('a sealed value whose tag is cut to %i bytes', (bytes) => {
    const sealed = sealValue(key, keyId, 'J. Jansen');
    expect(openSealedValue(key, sealed)).toBe('J. Jansen');
    // pd1 . <keyId> . iv . tag . ciphertext: the tag is part 3.
    expect(() => openSealedValue(key, withPart(sealed, 3, (tag) => tag.subarray(0, bytes)))).toThrow(FieldDecryptionError);
  });

  it('a sealed value with a 16-byte IV', () => {
    const { iv, tag, ciphertext } = gcm(16, `${SEALED_VALUE_PREFIX}${keyId}|`, 'J. Jansen');
    expect(() => openSealedValue(key, `${SEALED_VALUE_PREFIX}${keyId}.${iv}.${tag}.${ciphertext}`)).toThrow(FieldDecryptionError);
  });

  it.each([4, 8, 12, 15])('a field and a wrapped data key whose tag is cut to %i bytes', (bytes) => {
    const cipher = new FieldCipher(key);
    const field = cipher.encrypt('0612345678', 'signal-1');
    expect(cipher.decrypt(field, 'signal-1')).toBe('0612345678');
    // v1 . iv . tag . ciphertext: the tag is part 2.
    expect(() => cipher.decrypt(withPart(field, 2, (tag) => tag.subarray(0, bytes)), 'signal-1')).toThrow(FieldDecryptionError);

    const wrapper = new DataKeyWrapper(key);
    const wrapped = wrapper.wrap(keyId, DataKeyWrapper.generate());
    expect(() => wrapper.unwrap(keyId, withPart(wrapped, 2, (tag) => tag.subarray(0, bytes)))).toThrow(FieldDecryptionError);
  });

  it('a field with a 16-byte IV', () => {
    const { iv, tag, ciphertext } = gcm(16, 'signal-1', '0612345678');
    expect(() => new FieldCipher(key).decrypt(`v1.${iv}.${tag}.${ciphertext}`, 'signal-1')).toThrow(FieldDecryptionError);
  });
});
