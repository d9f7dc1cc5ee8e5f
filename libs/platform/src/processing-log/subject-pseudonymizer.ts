import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalUuid } from '../http/canonical-uuid.js';
import type { Keyring } from '../keyring/keyring.js';

/**
 * Pseudonymises data-subject ids for the processing log: HMAC-SHA256 under a secret key, so the log can be
 * searched by subject (hash the id the same way) without naming anyone. One key per deployment, kept in
 * `data_keys` under the master key (see {@link SubjectPseudonymizer.load}).
 */
export class SubjectPseudonymizer {
  /** Recent references by subject id (a case or signal is read again and again): one HMAC per id, not per line. */
  private readonly recent = new Map<string, string>();
  private static readonly MAX_RECENT = 10_000;

  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Buffer): SubjectPseudonymizer {
    if (key.length < 32) throw new Error('the processing-log key must be at least 32 bytes');
    return new SubjectPseudonymizer(key);
  }

  /**
   * The deployment's key, kept in `data_keys` ({@link Keyring.processingLogKey}): `PROCESSING_LOG_KEY` when given
   * (it must be the stored key once there is one), else the stored key; the first process of a deployment
   * stores the configured key, or the key file an older version kept in `<data dir>/keys/processing-log.key`
   * (so references already written stay findable), or a new random key.
   */
  static async load(keyring: Keyring, configuredHex: string | undefined, dataDir: string): Promise<SubjectPseudonymizer> {
    const configured = configuredHex ? Buffer.from(configuredHex, 'hex') : undefined;
    const legacyKeyFile = async (): Promise<Buffer | undefined> => {
      const file = path.join(dataDir, 'keys', 'processing-log.key');
      let text: string;
      try {
        text = (await readFile(file, 'utf8')).trim();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      // Checked as PROCESSING_LOG_KEY is: a broken file must not become the deployment's key for good.
      if (!/^(?:[0-9a-fA-F]{2}){32,}$/.test(text)) throw new Error(`${file} does not hold a key of at least 32 bytes as hex; fix or remove it`);
      return Buffer.from(text, 'hex');
    };
    return SubjectPseudonymizer.fromKey(await keyring.processingLogKey(configured, legacyKeyFile));
  }

  /** The pseudonymous reference of a subject id (hex); a uuid's in either case is its lower-case form's. */
  ref(id: string): string {
    const subjectId = canonicalUuid(id);
    let ref = this.recent.get(subjectId);
    if (ref === undefined) {
      ref = createHmac('sha256', this.key).update(subjectId, 'utf8').digest('hex');
      if (this.recent.size >= SubjectPseudonymizer.MAX_RECENT) this.recent.delete(this.recent.keys().next().value!);
      this.recent.set(subjectId, ref);
    }
    return ref;
  }
}
