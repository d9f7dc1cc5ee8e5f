import { describe, expect, it } from '@jest/globals';
import type { CaseCommand, CaseState } from '#domain';
import { recordDueDeadlines, type DueCase, type DueCursor } from '../src/deadlines/record-due-deadlines.js';

/**
 * A deadline round records what has come due for every case due now, however many: it reads page after page
 * (before, 200 cases a round, so terms ending at the same midnight for thousands of cases were recorded minutes
 * late), and a case that fails is passed over to the next round instead of being read again and again.
 */

const breach = { type: 'RecordDeadlineBreached', deadlineId: 'd', actor: { id: 'system', role: 'system' } } as unknown as CaseCommand;

function dueCases(count: number): DueCase[] {
  return Array.from({ length: count }, (_, i) => ({
    caseId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    nextDeadlineAt: '2026-03-16T23:00:00.000Z',
    state: { status: 'open' } as unknown as CaseState,
  }));
}

/** The pages a keyset query over `all` returns. */
const pager = (all: DueCase[]) => async (cursor: DueCursor, limit: number) =>
  all.filter((c) => cursor === null || c.nextDeadlineAt > cursor.nextDeadlineAt || (c.nextDeadlineAt === cursor.nextDeadlineAt && c.caseId > cursor.caseId)).slice(0, limit);

describe('a deadline round', () => {
  it('reaches every case due now, page after page', async () => {
    const all = dueCases(450);
    const ran: string[] = [];
    const recorded = await recordDueDeadlines({ page: pager(all), commands: () => [breach], run: async (caseId) => (ran.push(caseId), 1), failed: () => undefined }, 200);
    expect(recorded).toBe(450);
    expect(ran).toEqual(all.map((c) => c.caseId));
  });

  it('passes over a case that fails, once, and goes on with the rest', async () => {
    const all = dueCases(5);
    const failedOnce: string[] = [];
    const ran: string[] = [];
    const broken = all[1]!.caseId;
    await recordDueDeadlines(
      {
        page: pager(all),
        commands: () => [breach, breach],
        run: async (caseId) => {
          if (caseId === broken) throw new Error('data error');
          ran.push(caseId);
          return 1;
        },
        failed: (caseId) => failedOnce.push(caseId),
      },
      2,
    );
    expect(failedOnce).toEqual([broken]);
    expect(ran).toEqual(all.filter((c) => c.caseId !== broken).flatMap((c) => [c.caseId, c.caseId]));
  });
});
