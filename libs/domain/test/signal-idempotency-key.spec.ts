import fc from 'fast-check';
import { idempotencyKeyFor, SIGNAL_SOURCES } from '../src/index.js';

describe('a resent signal maps to the same idempotency key; different signals do not', () => {
  it('is stable for the same source, reference and municipality', () => {
    expect(idempotencyKeyFor('mma', 'MMA-1', 'GM0153')).toBe(idempotencyKeyFor('mma', 'MMA-1', 'GM0153'));
    expect(idempotencyKeyFor('mma', 'MMA-1', 'GM0153')).toBe('mma:GM0153:MMA-1');
  });

  it('differs per source, per municipality and per reference (matched exactly)', () => {
    const key = idempotencyKeyFor('intern-meldpunt', '1', 'GM0153');
    expect(idempotencyKeyFor('zorgmelding', '1', 'GM0153')).not.toBe(key);
    expect(idempotencyKeyFor('intern-meldpunt', '1', 'GM0164')).not.toBe(key);
    expect(idempotencyKeyFor('intern-meldpunt', '1 ', 'GM0153')).not.toBe(key);
  });

  it('is injective: distinct (source, municipality, reference) never share a key', () => {
    const triple = fc.tuple(fc.constantFrom(...SIGNAL_SOURCES), fc.stringMatching(/^GM\d{4}$/), fc.string());
    fc.assert(
      fc.property(triple, triple, (a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        return idempotencyKeyFor(a[0], a[2], a[1]) !== idempotencyKeyFor(b[0], b[2], b[1]);
      }),
    );
  });

  it('refuses an invalid municipality code rather than build an ambiguous key', () => {
    expect(() => idempotencyKeyFor('mma', 'x', 'GM0153:y')).toThrow(RangeError);
  });
});
