import type { AppHarness, HarnessResponse } from './app-harness.js';

/** A page of the processing log or the break-the-glass queue (both read in commit order). */
export interface CommitOrderListPage<T> {
  items: T[];
  nextCursor: string | null;
  heldBack: boolean;
  resumeCursor: string;
}

/**
 * Reads a commit-order list of the audit API (`/v1/audit/processing-log`, `/v1/audit/break-glass`) to its end:
 * follows `nextCursor` until it is null. Those lists hold back lines whose transaction began after one still
 * running on the database server (`heldBack`), and another test file's transaction can be that one, so a line a
 * request wrote just before is not always on the first page; its end is reached once nothing is held back. Each
 * page must be 200. Returns every item and the last page.
 */
export async function readToTheEnd<T = any>(
  h: AppHarness,
  path: string,
  token: string,
  options: { timeoutMs?: number } = {},
): Promise<{ items: T[]; last: CommitOrderListPage<T> }> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const items: T[] = [];
  let cursor: string | null = null;
  for (;;) {
    const res: HarnessResponse<CommitOrderListPage<T>> = await h.request('GET', cursor === null ? path : `${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`, { token });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.text}`);
    items.push(...res.body.items);
    if (res.body.nextCursor === null) return { items, last: res.body };
    if (Date.now() > deadline) throw new Error(`GET ${path} still held lines back after ${options.timeoutMs ?? 20_000} ms`);
    // Held back: the transaction in the way usually ends within milliseconds, at most seconds.
    if (res.body.heldBack) await new Promise((resolve) => setTimeout(resolve, 20));
    cursor = res.body.nextCursor;
  }
}
