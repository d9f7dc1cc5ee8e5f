import type { BatchMessageHandler, IncomingMessage, MessageHandler } from '../src/transport.port.js';

interface Waiter {
  done: (messages: IncomingMessage[]) => boolean;
  resolve: () => void;
}

/**
 * Records delivered messages (and, for batch handlers, the batches) and lets a test wait until a
 * condition holds (with a timeout), so tests never sleep for a fixed time while waiting for deliveries.
 */
export class MessageCollector {
  readonly messages: IncomingMessage[] = [];
  /** Batches that `batchHandler` handled successfully, in delivery order. */
  readonly batches: IncomingMessage[][] = [];
  private readonly waiters = new Set<Waiter>();

  /** Handler that records the message after `before` (which may throw to simulate a failure) ran. */
  handler(before?: (message: IncomingMessage) => void | Promise<void>): MessageHandler {
    return async (message) => {
      await before?.(message);
      this.record(message);
    };
  }

  /** Batch handler that records the batch and its messages after `before` (which may throw) ran. */
  batchHandler(before?: (batch: IncomingMessage[]) => void | Promise<void>): BatchMessageHandler {
    return async (batch) => {
      await before?.(batch);
      this.batches.push(batch);
      for (const message of batch) this.record(message);
    };
  }

  record(message: IncomingMessage): void {
    this.messages.push(message);
    for (const waiter of [...this.waiters]) {
      if (waiter.done(this.messages)) waiter.resolve();
    }
  }

  /** Resolves when `count` messages were recorded; rejects after `timeoutMs`. */
  waitForCount(count: number, timeoutMs = 20_000): Promise<IncomingMessage[]> {
    return this.waitUntil((m) => m.length >= count, `${count} messages`, timeoutMs).then(() => this.messages);
  }

  waitUntil(done: (messages: IncomingMessage[]) => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (done(this.messages)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        done,
        resolve: () => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; received ${this.messages.length} messages`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }
}

/** Parses the JSON value the contract tests publish. */
export function body(message: IncomingMessage): { key: string; seq: number } {
  return JSON.parse(message.value.toString('utf8')) as { key: string; seq: number };
}

export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
