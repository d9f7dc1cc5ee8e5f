import { AdmissionControl, ProcessMetrics, ServiceOverloadedError, StatementBatcher, type Settled } from '#platform';

/**
 * The group commit behind the intake's signals and the router's case commands and case reads: items that
 * arrive while a statement runs wait for the next one, and the admission gate refuses new items at once when
 * the queue is full — the refused item never reaches a statement, the admitted ones all do.
 */
describe('a statement batcher behind an admission gate', () => {
  it('queues items behind the statement in flight, refuses the one that finds the queue full, and runs the rest in one batch', async () => {
    const statements: string[][] = [];
    let release!: () => void;
    let held = new Promise<void>((resolve) => (release = resolve));
    const run = async (items: string[]): Promise<Settled<string>[]> => {
      statements.push(items);
      await held;
      return items.map((item) => ({ ok: true, value: item.toUpperCase() }));
    };
    const control = new AdmissionControl({ maxLength: 2, maxWaitMs: 60_000 }, new ProcessMetrics());
    const batcher = new StatementBatcher(run, 100, { gate: (queue) => control.gate('test', queue) });

    const first = batcher.submit('a');
    const queued = [batcher.submit('b'), batcher.submit('c')];
    expect(batcher.waiting()).toBe(2);
    expect(batcher.oldestSince()).toBeLessThanOrEqual(performance.now());
    await expect(batcher.submit('d')).rejects.toBeInstanceOf(ServiceOverloadedError);

    release();
    held = Promise.resolve();
    expect(await first).toBe('A');
    expect(await Promise.all(queued)).toEqual(['B', 'C']);
    expect(statements).toEqual([['a'], ['b', 'c']]);
    expect(batcher.waiting()).toBe(0);
    expect(await batcher.submit('e')).toBe('E');
  });

  it('without a gate it takes every item', async () => {
    const batcher = new StatementBatcher(async (items: number[]) => items.map((n) => ({ ok: true as const, value: n * 2 })), 10);
    expect(await Promise.all(Array.from({ length: 50 }, (_, i) => batcher.submit(i)))).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
  });
});
