import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Keyed, deterministic fingerprints of normalised identifying values (HMAC-SHA-256 under a key derived from
 * the master key with HKDF), so the subject registry can find "the person with this BSN" or "this name and
 * birth date" without storing the values themselves. Without the master key a fingerprint cannot be tested
 * against guesses (a plain hash of a BSN could be brute-forced in minutes).
 */
export class BlindIndex {
  private readonly key: Buffer;

  constructor(masterKey: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'signaalroute/blind-index/v1', 32));
  }

  /** The fingerprint of `value` in the namespace `field` (the same value in another field differs), or null for null. */
  of(field: string, value: string | null | undefined): string | null {
    if (value === null || value === undefined) return null;
    return createHmac('sha256', this.key).update(`${field}\u0000${value}`, 'utf8').digest('base64url');
  }
}
