import type { CaseState } from '#domain';

/**
 * The case's durable timer: the earliest moment something is still to be recorded for a running deadline
 * (its approaching moment while not yet recorded, else its due moment while not yet breached). Paused
 * deadlines and closed cases have none. Stored as `case_view.next_deadline_at`.
 */
export function nextDeadlineAt(state: CaseState): string | null {
  if (state.status !== 'open') return null;
  let next: number | null = null;
  for (const d of state.deadlines) {
    if (d.status !== 'running' || d.breachedRecorded) continue;
    const at = !d.approachingRecorded && d.approachingAt !== null && Date.parse(d.approachingAt) < Date.parse(d.dueAt) ? d.approachingAt : d.dueAt;
    const ms = Date.parse(at);
    if (next === null || ms < next) next = ms;
  }
  return next === null ? null : new Date(next).toISOString();
}
