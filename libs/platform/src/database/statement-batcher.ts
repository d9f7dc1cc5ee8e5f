import type { AdmissionGate, GatedQueue } from '../admission/admission-control.js';

/** What became of one item of a batch. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Pending<I, O> {
  item: I;
  /** When it was queued (`performance.now()`). */
  since: number;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit with one statement in flight: items that arrive while a statement runs go together in the
 * next one (at most `maxBatch`), so load makes batches bigger instead of adding round trips; alone, an
 * item goes straight through. `run` settles each item on its own. `key` (optional) keeps two items with
 * the same key out of one batch: the later one waits for the next, in arrival order. `gate` (optional)
 * admits each new item or refuses it at once, seeing how many wait and since when.
 */
export class StatementBatcher<I, O> implements GatedQueue {
  private queue: Pending<I, O>[] = [];
  private running = false;
  private readonly key?: (item: I) => string;
  private readonly admission?: AdmissionGate;

  constructor(
    private readonly run: (items: I[]) => Promise<Settled<O>[]>,
    private readonly maxBatch: number,
    options: { key?: (item: I) => string; gate?: (queue: GatedQueue) => AdmissionGate } = {},
  ) {
    this.key = options.key;
    this.admission = options.gate?.(this);
  }

  waiting(): number {
    return this.queue.length;
  }

  oldestSince(): number | undefined {
    return this.queue[0]?.since;
  }

  submit(item: I): Promise<O> {
    try {
      this.admission?.admit();
    } catch (refusal) {
      return Promise.reject(refusal);
    }
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, since: performance.now(), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    const batch = this.take();
    this.running = true;
    void this.flush(batch).finally(() => {
      this.running = false;
      this.pump();
    });
  }

  /** The next batch in arrival order; with `key`, an item whose key is already in it stays queued. */
  private take(): Pending<I, O>[] {
    if (!this.key) return this.queue.splice(0, this.maxBatch);
    const keys = new Set<string>();
    const batch: Pending<I, O>[] = [];
    const rest: Pending<I, O>[] = [];
    for (const p of this.queue) {
      const k = this.key(p.item);
      if (batch.length < this.maxBatch && !keys.has(k)) {
        keys.add(k);
        batch.push(p);
      } else {
        rest.push(p);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async flush(batch: Pending<I, O>[]): Promise<void> {
    try {
      const settled = await this.run(batch.map((p) => p.item));
      for (const [i, p] of batch.entries()) {
        const s = settled[i]!;
        if (s.ok) p.resolve(s.value);
        else p.reject(s.error);
      }
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
