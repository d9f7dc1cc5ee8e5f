/**
 * When a pruner's first round comes after start-up: one to two minutes, at random. Not a whole interval (an hour): a
 * process restarted more often than that would never prune. Not at once: start-up has enough to do, and processes
 * started together (WORKERS) do not all prune the same tables at the same moment.
 */
export function firstPruneDelayMs(random: () => number = Math.random): number {
  return 60_000 + Math.floor(random() * 60_000);
}
