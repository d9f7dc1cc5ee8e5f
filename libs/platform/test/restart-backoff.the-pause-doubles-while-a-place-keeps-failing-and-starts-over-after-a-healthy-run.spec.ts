import { describe, expect, it } from '@jest/globals';
import { DEFAULT_RESTART_BACKOFF, restartDelay } from '../src/cluster/restart-backoff.js';

describe('the pause before a dead worker is replaced', () => {
  it('is one second for a place whose worker had been healthy, or for one of the first workers', () => {
    expect(restartDelay(undefined, 5)).toBe(1_000);
    expect(restartDelay(undefined, 3_600_000)).toBe(1_000);
    expect(restartDelay(30_000, 60_000)).toBe(1_000);
  });

  it('doubles with every death in a row in the same place, up to thirty seconds', () => {
    const pauses: number[] = [];
    let previous: number | undefined;
    for (let i = 0; i < 8; i++) pauses.push((previous = restartDelay(previous, 200)));
    expect(pauses).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('starts over once a worker stayed up a minute, however long the pause before it', () => {
    expect(restartDelay(16_000, 59_999)).toBe(30_000);
    expect(restartDelay(16_000, 60_000)).toBe(1_000);
  });

  it('follows the policy it is given', () => {
    const policy = { firstDelayMs: 100, maxDelayMs: 250, healthyAfterMs: 1_000 };
    expect(restartDelay(undefined, 0, policy)).toBe(100);
    expect(restartDelay(100, 0, policy)).toBe(200);
    expect(restartDelay(200, 0, policy)).toBe(250);
    expect(restartDelay(250, 1_000, policy)).toBe(100);
    expect(DEFAULT_RESTART_BACKOFF).toEqual({ firstDelayMs: 1_000, maxDelayMs: 30_000, healthyAfterMs: 60_000 });
  });
});
