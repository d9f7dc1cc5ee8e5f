/** What a report shows for a count of 1 to 4 (DOMAIN.md §7: small numbers make figures misleading and can point at someone). */
export const SMALL_COUNT = '<5';

/** A count as a report shows it: 0 and 5 or more as they are, 1 to 4 as `"<5"`. */
export type ReportedCount = number | typeof SMALL_COUNT;

/**
 * Small-number protection for council reports: a count between 1 and 4 is reported as `"<5"`; 0 and counts
 * of 5 or more are reported as they are. Throws `RangeError` for anything that is not a count.
 */
export function reportCount(count: number): ReportedCount {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`Not a count: ${count}`);
  return count >= 1 && count <= 4 ? SMALL_COUNT : count;
}

/** Every count of `counts` (an object of counts only) as a report shows it (see {@link reportCount}). */
export const reportCounts = <T extends { [K in keyof T]: number }>(counts: T): { [K in keyof T]: ReportedCount } =>
  Object.fromEntries(Object.entries<number>(counts).map(([k, v]) => [k, reportCount(v)])) as { [K in keyof T]: ReportedCount };
