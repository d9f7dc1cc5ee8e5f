import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Keyed, deterministic fingerprints of normalised identifying values (HMAC-SHA-256 under the index key), so
 * the subject registry can find "the person with this BSN" or "this name and birth date" without storing the
 * values themselves. Without the index key a fingerprint cannot be tested against guesses (a plain hash of a
 * BSN could be brute-forced in minutes). The index key is kept in the keyring, wrapped under the master key,
 * so rotating the master key leaves every fingerprint as it is.
 */
export class BlindIndex {
  constructor(private readonly key: Buffer) {}

  /** The index key derived from a master key with HKDF: how the first index key of a deployment is made. */
  static keyFrom(masterKey: Buffer): Buffer {
    return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'signaalroute/blind-index/v1', 32));
  }

  /** The fingerprint of `value` in the namespace `field` (the same value in another field differs), or null for null. */
  of(field: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    return createHmac('sha256', this.key).update(`${field}\u0000${value}`, 'utf8').digest('base64url');
  }
}
