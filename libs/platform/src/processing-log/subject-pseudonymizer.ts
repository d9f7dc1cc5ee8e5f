import { createHmac, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { canonicalUuid } from '../http/canonical-uuid.js';

/**
 * Pseudonymises data-subject ids for the processing log: HMAC-SHA256 under a secret key, so the log can be
 * searched by subject (hash the id the same way) without naming anyone. The key comes from
 * `PROCESSING_LOG_KEY` (hex, at least 32 bytes; every process of a deployment must share it) or, for the
 * embedded default, from `<data dir>/keys/processing-log.key`, created on first use.
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

  /** `PROCESSING_LOG_KEY` when given, else the key file in the data folder (created on first use). */
  static async load(configuredHex: string | undefined, dataDir: string): Promise<SubjectPseudonymizer> {
    if (configuredHex) return SubjectPseudonymizer.fromKey(Buffer.from(configuredHex, 'hex'));
    const file = path.join(dataDir, 'keys', 'processing-log.key');
    try {
      return SubjectPseudonymizer.fromKey(Buffer.from((await readFile(file, 'utf8')).trim(), 'hex'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    // Written whole to a temporary file and hard-linked into place (a link never overwrites): processes that
    // start together (workers of one app) end up with one key, and none reads a half-written file.
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    try {
      await link(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(temp);
    }
    return SubjectPseudonymizer.fromKey(Buffer.from((await readFile(file, 'utf8')).trim(), 'hex'));
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
