import { describe, expect, it } from '@jest/globals';
import { streamTimeLeftMs } from '../src/liaison/stream-time-left.js';

/** How long a liaison's stream may still run: until its token's expiry, and none at or after it. */
describe('the time a stream has left', () => {
  const expiresAt = new Date('2025-03-01T12:00:00.000Z');

  it('is the time until the token expires', () => {
    expect(streamTimeLeftMs(new Date('2025-03-01T11:59:58.500Z'), expiresAt)).toBe(1_500);
    expect(streamTimeLeftMs(new Date('2025-03-01T04:00:00.000Z'), expiresAt)).toBe(8 * 3_600_000);
  });

  it('is none at the expiry and after it, never negative', () => {
    expect(streamTimeLeftMs(expiresAt, expiresAt)).toBe(0);
    expect(streamTimeLeftMs(new Date('2025-03-01T12:00:00.001Z'), expiresAt)).toBe(0);
    expect(streamTimeLeftMs(new Date('2025-03-02T12:00:00.000Z'), expiresAt)).toBe(0);
  });
});
