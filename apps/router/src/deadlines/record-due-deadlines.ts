import type { CaseCommand, CaseState } from '#domain';

/** A case whose next deadline moment has come, as the round reads it; `nextDeadlineAt` is the keyset of the read. */
export interface DueCase {
  caseId: string;
  nextDeadlineAt: string;
  state: CaseState;
}

/** Where the round left off: the last case of the previous page. */
export type DueCursor = { nextDeadlineAt: string; caseId: string } | null;

export interface DueDeadlineRound {
  /** Up to `limit` due cases after `cursor`, by (next deadline, case id). */
  page(cursor: DueCursor, limit: number): Promise<DueCase[]>;
  /** The commands a case's state asks for now. */
  commands(state: CaseState): CaseCommand[];
  /** Runs one command; resolves with the number of events recorded, rejects when the case could not take it. */
  run(caseId: string, command: CaseCommand): Promise<number>;
  /** A command that failed: the case's later commands wait for the next round. */
  failed(caseId: string, error: unknown): void;
}

/**
 * One round of the deadline scheduler: every case due now, page after page, until a page comes back short. A case
 * that fails is passed over (the keyset moves beyond it) and tried again the next round, so neither thousands of
 * terms ending at the same midnight nor cases that keep failing hold back the cases behind them.
 */
export async function recordDueDeadlines(round: DueDeadlineRound, pageSize: number): Promise<number> {
  let recorded = 0;
  let cursor: DueCursor = null;
  for (;;) {
    const page = await round.page(cursor, pageSize);
    for (const due of page) {
      for (const command of round.commands(due.state)) {
        try {
          recorded += await round.run(due.caseId, command);
        } catch (error) {
          round.failed(due.caseId, error);
          break;
        }
      }
    }
    const last = page[page.length - 1];
    if (page.length < pageSize || !last) return recorded;
    cursor = { nextDeadlineAt: last.nextDeadlineAt, caseId: last.caseId };
  }
}
