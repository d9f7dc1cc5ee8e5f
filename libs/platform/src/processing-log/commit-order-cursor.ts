import { DomainError } from '#domain';

/**
 * A place in the processing log's commit order: after the line `lineId` of the transaction `transactionId`.
 * Lines are listed by (transaction id, line id): a line id is drawn when the line is inserted, before its
 * transaction commits, so paging by line id alone passes lines that commit later with a lower id.
 */
export interface CommitOrderPosition {
  /** The writing transaction (xid8), in decimal; `0` for lines written before the log recorded it. */
  transactionId: string;
  lineId: string;
}

/** Before the first line. */
export const LOG_START: CommitOrderPosition = { transactionId: '0', lineId: '0' };

/** `pl`: the processing log's lines; `bg`: the break-the-glass review queue (a place of an access's first line). */
export type CommitOrderCursorKind = 'pl' | 'bg';

const PATTERNS: Record<CommitOrderCursorKind, RegExp> = {
  // A transaction id is an xid8 (at most 19 digits here, so it fits); line ids are bigints (19 digits may not fit).
  // Without a transaction id it is a cursor of the versions that paged by line id alone: see decodeCommitOrderCursor.
  pl: /^pl:(?:(0|[1-9]\d{0,18}):)?(0|[1-9]\d{0,17})$/,
  bg: /^bg:(?:(0|[1-9]\d{0,18}):)?(0|[1-9]\d{0,17})$/,
};

/** The opaque cursor of a position. */
export function encodeCommitOrderCursor(kind: CommitOrderCursorKind, p: CommitOrderPosition): string {
  return Buffer.from(`${kind}:${p.transactionId}:${p.lineId}`).toString('base64url');
}

/**
 * The position of a cursor this API gave out; anything else is `VALIDATION.CURSOR_INVALID` (only the exact text
 * the encoder writes is taken: base64url also decodes text with stray characters). A cursor of the versions that
 * paged by line id alone (`pl:<id>`, `bg:<id>`) is the same place in commit order: every line those versions
 * wrote has transaction id 0 and so comes first, in line-id order, as they listed them.
 * @throws DomainError `VALIDATION.CURSOR_INVALID`
 */
export function decodeCommitOrderCursor(kind: CommitOrderCursorKind, cursor: string): CommitOrderPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = Buffer.from(text).toString('base64url') === cursor ? PATTERNS[kind].exec(text) : null;
  if (!m) throw new DomainError('VALIDATION.CURSOR_INVALID', 'The cursor is not one this API gave out');
  return { transactionId: m[1] ?? '0', lineId: m[2]! };
}
