import { describe, expect, it } from '@jest/globals';
import { firstPruneDelayMs, PeriodicTask } from '#platform';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PeriodicTask', () => {
  it('runs rounds one after another: runNow waits for the round in progress, and stop waits for it too', async () => {
    let active = 0;
    let most = 0;
    let rounds = 0;
    const task = new PeriodicTask(async () => {
      active++;
      most = Math.max(most, active);
      await sleep(20);
      active--;
      return ++rounds;
    }, 5, () => undefined);
    task.start();
    const results = await Promise.all([task.runNow(), task.runNow(), task.runNow()]);
    await sleep(40); // scheduled rounds run in between
    await task.stop();
    const afterStop = rounds;
    await sleep(30);
    expect(most).toBe(1);
    expect(results).toEqual([...results].sort((a, b) => a - b));
    expect(rounds).toBe(afterStop); // nothing runs after stop
    expect(rounds).toBeGreaterThan(3);
  });

  it('reports a failed scheduled round and keeps scheduling', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const task = new PeriodicTask(async () => {
      calls++;
      if (calls === 1) throw new Error('database away');
      return calls;
    }, 5, (error) => errors.push(error));
    task.start();
    await sleep(60);
    await task.stop();
    expect(errors).toHaveLength(1);
    expect(calls).toBeGreaterThan(1);
  });

  it('passes runNow arguments to the round', async () => {
    const task = new PeriodicTask(async (at?: Date) => (at ?? new Date(0)).toISOString(), 1000, () => undefined);
    expect(await task.runNow(new Date('2026-11-26T12:00:00Z'))).toBe('2026-11-26T12:00:00.000Z');
    expect(await task.runNow()).toBe('1970-01-01T00:00:00.000Z');
  });

  it('runs the first round after the delay given to start, then one interval apart', async () => {
    let rounds = 0;
    const task = new PeriodicTask(async () => ++rounds, 60_000, () => undefined);
    task.start(10);
    await sleep(200);
    await task.stop();
    expect(rounds).toBe(1);
  });
});

describe('firstPruneDelayMs', () => {
  it('is one to two minutes: a process restarted within the hour still prunes, and processes started together spread out', () => {
    expect(firstPruneDelayMs(() => 0)).toBe(60_000);
    expect(firstPruneDelayMs(() => 0.999_999)).toBe(119_999);
  });
});
