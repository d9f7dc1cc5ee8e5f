import { encodeCommitOrderCursor, type CommitOrderCursorKind, type CommitOrderPosition } from './commit-order-cursor.js';

/** A page of a list read in commit order. */
export interface CommitOrderPage<T> {
  items: T[];
  /** The next page; null when every matching line committed before this answer is on this page or an earlier one. */
  nextCursor: string | null;
  /**
   * Lines that follow this page are held back: a transaction that began before theirs is still running (on any
   * database of the server: transaction ids are the server's), and it may still add lines before them. They are
   * listed, after this page, once it ends; `nextCursor` continues there. Nothing is waited for.
   */
  heldBack: boolean;
  /** Where this answer stopped, also at the end of the list: called with it later, the list continues without a gap or a repeat. */
  resumeCursor: string;
}

/**
 * Cuts rows read in commit order (`limit + 1` at most, after `from`) into a page: only the stable rows at the
 * front (written by transactions older than every transaction still in flight) may be listed, since a cursor
 * past a line that is not stable could pass a line that commits later before it.
 */
export function commitOrderPage<R extends { stable: boolean }, T>(
  kind: CommitOrderCursorKind,
  rows: readonly R[],
  limit: number,
  from: CommitOrderPosition,
  positionOf: (row: R) => CommitOrderPosition,
  item: (row: R) => T,
): CommitOrderPage<T> {
  const firstUnstable = rows.findIndex((r) => !r.stable);
  const listed = rows.slice(0, Math.min(limit, firstUnstable === -1 ? rows.length : firstUnstable));
  const after = rows[listed.length];
  const stoppedAt = listed.length > 0 ? positionOf(listed[listed.length - 1]!) : from;
  const resumeCursor = encodeCommitOrderCursor(kind, stoppedAt);
  return { items: listed.map(item), nextCursor: after === undefined ? null : resumeCursor, heldBack: after !== undefined && !after.stable, resumeCursor };
}
