import { createCipheriv } from 'node:crypto';
import { openAesGcm } from './aes-gcm-open.js';
import { FieldDecryptionError } from './field-cipher.js';
import { randomBytesPooled } from './random-pool.js';

/**
 * A personal-data value sealed under a data key: `pd1.<keyId>.<iv>.<tag>.<ciphertext>` (AES-256-GCM from
 * node:crypto, base64url parts). The key id travels with the value, so any reader with access to the keyring
 * can open it — until the key is destroyed (crypto-shredding), after which nobody can. The associated data
 * binds the ciphertext to its key id and to an optional context (e.g. the row it belongs to): a value
 * relabelled with another key id, or moved to another context, does not open.
 */
export const SEALED_VALUE_PREFIX = 'pd1.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `value` is a string in the sealed-value format (cheap prefix check, then structure). */
export function isSealedValue(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_VALUE_PREFIX) && sealedKeyId(value) !== null;
}

/** The data key id a sealed value names, or null when it is not a sealed value. */
export function sealedKeyId(value: string): string | null {
  if (!value.startsWith(SEALED_VALUE_PREFIX)) return null;
  const keyId = value.slice(SEALED_VALUE_PREFIX.length, SEALED_VALUE_PREFIX.length + 36);
  return UUID.test(keyId) && value.charAt(SEALED_VALUE_PREFIX.length + 36) === '.' ? keyId.toLowerCase() : null;
}

const aad = (keyId: string, context: string) => Buffer.from(`${SEALED_VALUE_PREFIX}${keyId}|${context}`, 'utf8');

/** Seals `plaintext` under the 256-bit data key `key` whose id is `keyId`, bound to `context` ('' for none). */
export function sealValue(key: Buffer, keyId: string, plaintext: string, context = ''): string {
  const iv = randomBytesPooled(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(keyId, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${SEALED_VALUE_PREFIX}${keyId}.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${ciphertext.toString('base64url')}`;
}

/** @throws FieldDecryptionError when the value was altered, relabelled, moved to another context, or sealed under another key. */
export function openSealedValue(key: Buffer, sealed: string, context = ''): string {
  const keyId = sealedKeyId(sealed);
  const [iv, tag, ciphertext, extra] = sealed.slice(SEALED_VALUE_PREFIX.length + 37).split('.');
  if (keyId === null || !iv || !tag || ciphertext === undefined || extra !== undefined) throw new FieldDecryptionError();
  try {
    return openAesGcm(key, Buffer.from(iv, 'base64url'), Buffer.from(tag, 'base64url'), Buffer.from(ciphertext, 'base64url'), aad(keyId, context)).toString('utf8');
  } catch {
    throw new FieldDecryptionError();
  }
}
