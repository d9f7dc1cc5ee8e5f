import { FieldCipher, FieldDecryptionError } from './field-cipher.js';
import { masterKeyId, PREVIOUS_MASTER_KEYS_DIR, type MasterKeys } from './master-key.js';
import { randomBytesPooled } from './random-pool.js';

/** A data key row names a master key that is not configured: it was retired too early, or belongs elsewhere. */
export class UnknownMasterKeyError extends Error {
  readonly code = 'CRYPTO.MASTER_KEY_UNKNOWN';
  constructor(readonly masterKeyId: string, keyId: string) {
    super(
      `data key ${keyId} is wrapped under master key ${masterKeyId}, which is not configured: add that key to ` +
        `SIGNAALROUTE_PREVIOUS_MASTER_KEYS (or keys/${PREVIOUS_MASTER_KEYS_DIR}/) until \`npm run keys -- rotate\` has re-wrapped its data keys`,
    );
    this.name = 'UnknownMasterKeyError';
  }
}

/**
 * Envelope encryption of data keys: each subject's (or signal's) 256-bit data key is stored wrapped under
 * a master key (AES-256-GCM, bound to the key id), never in the clear, next to the id of that master key.
 * New keys are wrapped under the current master key; previous master keys only unwrap (rotation re-wraps).
 * Destroying the wrapped key is crypto-shredding: every value sealed under it becomes unreadable, wherever a
 * copy of it lives.
 */
export class DataKeyWrapper {
  /** The id of the master key {@link wrap} uses. */
  readonly currentMasterKeyId: string;
  private readonly current: FieldCipher;
  /** Every configured master key by id, the current one first. */
  private readonly ciphers: Map<string, FieldCipher>;

  /** `keys`: the current and previous master keys; a single key is the current one, with no previous. */
  constructor(keys: MasterKeys | Buffer) {
    const set = Buffer.isBuffer(keys) ? { current: { id: masterKeyId(keys), key: keys }, previous: [] } : keys;
    this.currentMasterKeyId = set.current.id;
    this.ciphers = new Map([set.current, ...set.previous].map((k) => [k.id, new FieldCipher(k.key)]));
    this.current = this.ciphers.get(set.current.id)!;
  }

  /** A fresh random data key. */
  static generate(): Buffer {
    return randomBytesPooled(32);
  }

  /** `dataKey` wrapped under the current master key ({@link currentMasterKeyId}). */
  wrap(keyId: string, dataKey: Buffer): string {
    return this.current.encrypt(dataKey.toString('base64'), `data-key:${keyId}`);
  }

  /**
   * The data key, unwrapped with the master key `masterKeyId` names; null for a row wrapped before master key
   * ids were recorded (see {@link openingMasterKeyId}).
   * @throws UnknownMasterKeyError when `masterKeyId` is not configured.
   * @throws FieldDecryptionError when the wrapped key was altered, moved to another id, or wrapped under another master key.
   */
  unwrap(keyId: string, wrapped: string, masterKeyId: string | null = this.currentMasterKeyId): Buffer {
    const id = masterKeyId ?? this.openingMasterKeyId(keyId, wrapped);
    const cipher = this.ciphers.get(id);
    if (!cipher) throw new UnknownMasterKeyError(id, keyId);
    return Buffer.from(cipher.decrypt(wrapped, `data-key:${keyId}`), 'base64');
  }

  /**
   * The id of the configured master key that opens `wrapped` — for rows wrapped before master key ids were
   * recorded; each key is tried, and GCM authentication tells the right one (never a wrong key's garbage).
   * @throws FieldDecryptionError when none does.
   */
  openingMasterKeyId(keyId: string, wrapped: string): string {
    for (const [id, cipher] of this.ciphers) {
      try {
        cipher.decrypt(wrapped, `data-key:${keyId}`);
        return id;
      } catch (error) {
        if (!(error instanceof FieldDecryptionError)) throw error;
      }
    }
    throw new FieldDecryptionError();
  }
}
