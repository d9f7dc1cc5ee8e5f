import type { CaseActor, CaseState, RecordDeadlineApproachingCommand, RecordDeadlineBreachedCommand } from '#domain';

/** The product's own actor for timer-driven commands. */
export const SYSTEM_ACTOR: CaseActor = Object.freeze({ id: 'system', role: 'system' }) as CaseActor;

/**
 * What the timer has to record for a case at `now`: `RecordDeadlineBreached` for each running deadline
 * whose due moment has passed, else `RecordDeadlineApproaching` once its approaching moment has passed.
 * A deadline found already past due (the process was down, or a test moved the clock) only records the
 * breach: an "approaching" warning after the fact would tell nobody anything.
 */
export function dueDeadlineCommands(state: CaseState, now: Date): (RecordDeadlineApproachingCommand | RecordDeadlineBreachedCommand)[] {
  if (state.status !== 'open') return [];
  const t = now.getTime();
  const commands: (RecordDeadlineApproachingCommand | RecordDeadlineBreachedCommand)[] = [];
  for (const d of state.deadlines) {
    if (d.status !== 'running' || d.breachedRecorded) continue;
    if (Date.parse(d.dueAt) <= t) commands.push({ type: 'RecordDeadlineBreached', deadlineId: d.deadlineId, actor: SYSTEM_ACTOR });
    else if (!d.approachingRecorded && d.approachingAt !== null && Date.parse(d.approachingAt) <= t) {
      commands.push({ type: 'RecordDeadlineApproaching', deadlineId: d.deadlineId, actor: SYSTEM_ACTOR });
    }
  }
  return commands;
}
