import type { EventEnvelope } from '#contracts';
import { CASE_EVENT_TYPES, foldCase, NO_CASE, type CaseEvent, type CaseState } from '#domain';
import { insertRowsSql, quoteIdent, type ProjectionDefinition, type ProjectionTableNames, type SqlExecutor, type TableRow } from '#eventstore';
import { caseViewRow } from './case-command.service.js';

type ExistingCase = Exclude<CaseState, { status: 'none' }>;

const CASE_STREAM = /^case-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * Rebuilds `case_view` rows the way the case command service writes them, from the case streams: each
 * case's events are folded with the domain's `foldCase` (onto the row's state so far, as a command loads
 * it) and the rows are upserted as the command service writes them (`caseViewRow`), all in one statement. What the command service took
 * from its context is on the events themselves: `updated_at` is the command's clock, which is every
 * event's `occurredAt`; `special_category` is the envelopes' flag (it only ever turns on); `head_hash` is
 * the last event's hash.
 */
export async function applyToCaseView(tx: SqlExecutor, events: readonly EventEnvelope[], tables: ProjectionTableNames): Promise<void> {
  const table = tables.case_view!;
  const byCase = new Map<string, EventEnvelope[]>();
  for (const event of events) {
    const caseId = CASE_STREAM.exec(event.streamId)?.[1];
    if (!caseId) continue;
    const list = byCase.get(caseId) ?? [];
    list.push(event);
    byCase.set(caseId, list);
  }
  if (byCase.size === 0) return;
  const stored = await tx.query<{ case_id: string; state: unknown; special_category: boolean }>(
    `SELECT case_id::text AS case_id, state, special_category FROM ${quoteIdent(table)} WHERE case_id = ANY($1::uuid[])`,
    [[...byCase.keys()]],
  );
  const known = new Map(stored.rows.map((r) => [r.case_id, { state: (typeof r.state === 'string' ? JSON.parse(r.state) : r.state) as CaseState, specialCategory: r.special_category }]));
  const rows: TableRow[] = [];
  for (const [caseId, list] of byCase) {
    const before = known.get(caseId);
    const next = foldCase(
      list.map((e) => ({ ...e.payload, type: e.type }) as unknown as CaseEvent),
      before?.state ?? NO_CASE,
    ) as ExistingCase;
    const last = list[list.length - 1]!;
    const specialCategory = (before?.specialCategory ?? false) || list.some((e) => e.specialCategory);
    rows.push(caseViewRow(next, specialCategory, new Date(last.occurredAt), last.hash, table));
  }
  const params: unknown[] = [];
  await tx.query(insertRowsSql(rows[0]!.table, rows, (value) => `$${params.push(value)}`), params);
}

/** `case_view` as a rebuildable projection (`--projection case-view`): every column is derived from the case's events. */
export const CASE_VIEW_PROJECTION: ProjectionDefinition = {
  name: 'case-view',
  description: 'Router: one row per case with its full state, model version, deadlines timer and head hash (what commands load)',
  tables: [{ name: 'case_view', primaryKey: ['case_id'] }],
  eventTypes: CASE_EVENT_TYPES,
  apply: applyToCaseView,
};
