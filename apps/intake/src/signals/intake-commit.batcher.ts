import { Inject, Injectable } from '@nestjs/common';
import type { NewEvent } from '#contracts';
import { EventStore, sqlErrorCode, type AppendOptions, type Database } from '#eventstore';
import { ADMISSION, DATABASE, EVENT_STORE, type AdmissionControl, type AdmissionGate } from '#platform';

export interface IntakeCommit {
  streamId: string;
  events: NewEvent[];
  options: AppendOptions;
}

interface Pending {
  item: IntakeCommit;
  /** When it was queued (`performance.now()`). */
  since: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Most signals per statement, and most statements in flight at once. One in flight measured best on two
 * cores (2,784–3,082 signals/s against 2,347 with two): fewer, larger statements.
 */
const MAX_BATCH = 100;
const MAX_IN_FLIGHT = 1;

/**
 * Group commit for intake: signals that arrive while statements are in flight are committed together in
 * the next statement (each signal still gets its 201 only after its own rows are durable). Under load this
 * turns many round trips into few; alone, a signal goes straight through. A batch that fails on a unique
 * violation (a resend among them) is retried one by one, so only the resend gets the error. A signal that
 * finds the queue full or not moving is refused at once (`SERVICE.OVERLOADED`, nothing stored).
 */
@Injectable()
export class IntakeCommitBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private readonly gate: AdmissionGate;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ADMISSION) admission: AdmissionControl,
  ) {
    this.gate = admission.gate('intake-commit', { waiting: () => this.queue.length, oldestSince: () => this.queue[0]?.since });
  }

  commit(item: IntakeCommit): Promise<void> {
    try {
      this.gate.admit();
    } catch (refusal) {
      return Promise.reject(refusal);
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, since: performance.now(), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    try {
      await this.store.appendNewStreams(this.db, batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    } catch (error) {
      if (batch.length > 1 && sqlErrorCode(error) === '23505') {
        for (const p of batch) await this.flush([p]);
        return;
      }
      for (const p of batch) p.reject(error);
    }
  }
}
