import type { ReadCursor } from '../event-store.js';

/**
 * Compares two non-negative integers written in decimal without leading zeros (bigint and xid8 columns
 * read as text), exactly and without BigInt allocations: a longer numeral is larger.
 */
export function compareDecimal(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders cursors in commit order: (transaction id, position). */
export function compareCursor(a: ReadCursor, b: ReadCursor): number {
  return compareDecimal(a.transactionId, b.transactionId) || compareDecimal(a.position, b.position);
}

/** `"<transactionId>:<position>"`, as used in digests and messages. */
export const formatCursor = (c: ReadCursor): string => `${c.transactionId}:${c.position}`;
