import fc from 'fast-check';
import { reportCount, SMALL_COUNT } from '../src/index.js';

/** Small numbers make figures misleading and can point at someone (DOMAIN.md §7): 1 to 4 is reported as "<5". */

describe('reportCount', () => {
  it('0 stays 0, 1 to 4 become "<5", 5 and more stay as they are', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 120].map(reportCount)).toEqual([0, '<5', '<5', '<5', '<5', 5, 6, 120]);
  });

  it('refuses what is not a count', () => {
    for (const bad of [-1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => reportCount(bad)).toThrow(RangeError);
  });

  it('property: the result is "<5" exactly for counts 1 to 4, and otherwise the count itself; it never shows a number from 1 to 4', () => {
    fc.assert(
      fc.property(fc.nat(), (count) => {
        const reported = reportCount(count);
        if (count >= 1 && count <= 4) expect(reported).toBe(SMALL_COUNT);
        else expect(reported).toBe(count);
        if (typeof reported === 'number') expect(reported === 0 || reported >= 5).toBe(true);
      }),
    );
  });
});
