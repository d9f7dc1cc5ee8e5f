import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { SubjectPseudonymizer } from '#platform';

describe('processing-log subject references', () => {
  const key = randomBytes(32);
  const expected = (id: string) => createHmac('sha256', key).update(id, 'utf8').digest('hex');

  it('are the keyed HMAC of the subject id, whatever was referenced before (also past the cache of recent ids)', () => {
    const p = SubjectPseudonymizer.fromKey(key);
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 50 }), (ids) => {
        for (const id of ids) expect(p.ref(id)).toBe(expected(id));
      }),
      { numRuns: 300, seed: 11 },
    );
    for (let i = 0; i < 12_000; i++) p.ref(`case-${i}`);
    expect(p.ref('case-0')).toBe(expected('case-0'));
    expect(p.ref('case-11999')).toBe(expected('case-11999'));
  });

  it('differ per key: another deployment cannot link its log to this one', () => {
    expect(SubjectPseudonymizer.fromKey(randomBytes(32)).ref('s-1')).not.toBe(SubjectPseudonymizer.fromKey(key).ref('s-1'));
  });

  it('share one key file when processes create it at the same time (workers starting together), mode 0600', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sr-pseudonymizer-'));
    try {
      const loaded = await Promise.all(Array.from({ length: 24 }, () => SubjectPseudonymizer.load(undefined, dir)));
      expect(new Set(loaded.map((p) => p.ref('s-1'))).size).toBe(1);
      expect(await readdir(path.join(dir, 'keys'))).toEqual(['processing-log.key']);
      expect((await stat(path.join(dir, 'keys', 'processing-log.key'))).mode & 0o777).toBe(0o600);
      // Later loads read the same key.
      expect((await SubjectPseudonymizer.load(undefined, dir)).ref('s-1')).toBe(loaded[0]!.ref('s-1'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
