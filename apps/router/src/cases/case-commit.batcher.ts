import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '#contracts';
import { EventStore, isStatementDataError, sqlErrorCode, type Database, type StreamAppend } from '#eventstore';
import { ADMISSION, DATABASE, EVENT_STORE, StatementBatcher, type AdmissionControl, type Settled } from '#platform';

/** Most case commands per statement. */
const MAX_BATCH = 100;

/**
 * Group commit for case commands: commands on different cases that arrive while a statement runs are
 * appended together in the next one (`EventStore.appendToStreams`: one statement, every case with its own
 * expected version and head check, events + outbox + `case_view` + processing-log lines). A version
 * conflict refuses only its own command (the store reads the heads and appends the others again); two
 * commands on the same case never share a statement (the later one goes in the next, where the store
 * decides it on what the first left). Any other data error in a batch, or a deadlock, is isolated by retrying
 * its commands one by one, so only the culprit fails.
 */
@Injectable()
export class CaseCommitBatcher {
  private readonly commits: StatementBatcher<StreamAppend, EventEnvelope[]>;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ADMISSION) admission: AdmissionControl,
  ) {
    this.commits = new StatementBatcher((items) => this.append(items), MAX_BATCH, { key: (item) => item.streamId, gate: (queue) => admission.gate('case-commit', queue) });
  }

  /** Resolves with the stored events once they are durable; rejects with `VersionConflictError` when the case moved on. */
  commit(item: StreamAppend): Promise<EventEnvelope[]> {
    return this.commits.submit(item);
  }

  private async append(items: StreamAppend[]): Promise<Settled<EventEnvelope[]>[]> {
    try {
      const results = await this.store.appendToStreams(this.db, items);
      return results.map((r) => (r.conflict ? { ok: false, error: r.conflict } : { ok: true, value: r.events }));
    } catch (error) {
      // A data error or a deadlock (two statements locking rows of the same signals) is isolated: one by one.
      if (items.length === 1 || !(isStatementDataError(error) || sqlErrorCode(error) === '40P01')) throw error;
      const settled: Settled<EventEnvelope[]>[] = [];
      for (const item of items) settled.push(...(await this.append([item]).catch((e: unknown) => [{ ok: false as const, error: e }])));
      return settled;
    }
  }
}
