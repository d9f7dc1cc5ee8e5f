import { createDecipheriv } from 'node:crypto';

/** Every value we seal has a 96-bit IV (GCM's native size) and a full 128-bit tag. */
export const GCM_IV_BYTES = 12;
export const GCM_TAG_BYTES = 16;

/**
 * Opens AES-256-GCM ciphertext. GCM itself accepts a tag as short as 4 bytes and an IV of any length, so a
 * stored value whose tag was cut short would still open, with forgery then a matter of about 2^32 tries.
 * Only the sizes we seal with are accepted.
 * @throws Error when the sizes are not ours or the ciphertext does not authenticate (callers map it to their own error)
 */
export function openAesGcm(key: Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer, associatedData: Buffer): Buffer {
  if (iv.length !== GCM_IV_BYTES || tag.length !== GCM_TAG_BYTES) {
    throw new RangeError('not an AES-GCM value of ours');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: GCM_TAG_BYTES });
  decipher.setAAD(associatedData);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}
