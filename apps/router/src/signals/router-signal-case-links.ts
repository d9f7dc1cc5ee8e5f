import type { CaseEvent } from '#domain';
import { rowTable, type RowTable, type TableRow } from '#eventstore';

/**
 * How a signal's case goes into `router_signals`: an upsert (a replay may meet the case event before the signal).
 * The case commit and the projection (`routerSignalsEffect`, for replays) both write it this way.
 */
export const CASE_LINK_UPSERT = 'ON CONFLICT (signal_id) DO UPDATE SET case_id = EXCLUDED.case_id, updated_at = now()';

/** `router_signals` as the case commit writes it: a signal's case. */
const CASE_LINKS: RowTable = rowTable('router_signals', { signal_id: 'uuid', case_id: 'uuid' }, CASE_LINK_UPSERT);

/**
 * The signals that `events` put in a case, as `router_signals` rows the case commit writes in the statement that
 * appends the events: the router's read model then shows them in behandeling at once, and the router needs no
 * consumer of its own case events on Kafka (six messages a flow, of which it used one). A replay applies the same
 * events through `routerSignalsEffect` to the same end.
 */
export function caseLinkRows(events: readonly CaseEvent[]): TableRow[] {
  const links = new Map<string, string>();
  for (const event of events) {
    if (event.type === 'CaseOpened') for (const signalId of event.signalIds) links.set(signalId, event.caseId);
    if (event.type === 'SignalAddedToCase') links.set(event.signalId, event.caseId);
  }
  return [...links].map(([signalId, caseId]) => ({ table: CASE_LINKS, values: { signal_id: signalId, case_id: caseId } }));
}
