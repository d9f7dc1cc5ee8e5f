import { describe, expect, it } from '@jest/globals';
import { randomBytesPooled } from '../src/crypto/random-pool.js';

describe('randomBytesPooled', () => {
  it('hands out fresh bytes each call, across pool refills, as copies the pool never touches again', () => {
    const first = randomBytesPooled(12);
    const kept = Buffer.from(first);
    const seen = new Set<string>([first.toString('hex')]);
    for (let i = 0; i < 5000; i++) seen.add(randomBytesPooled(12).toString('hex')); // several 16 KiB refills
    expect(seen.size).toBe(5001);
    expect(first.equals(kept)).toBe(true);
    expect(randomBytesPooled(32)).toHaveLength(32);
    expect(randomBytesPooled(20_000)).toHaveLength(20_000);
  });
});
