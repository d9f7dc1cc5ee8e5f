import type { EventEnvelope } from '#contracts';
import { CASE_EVENT_TYPES, evolveCaseSheet, SIGNAL_RECEIVED_EVENT_TYPE, signalFactsOf, type CaseEvent, type CaseSheet } from '#domain';
import type { ProjectionDefinition, ProjectionTableNames, SqlExecutor } from '#eventstore';
import { CaseSheetStore, LIVE_CASE_SHEET_TABLES } from './case-sheet.store.js';

/** A case event the sheets follow: on a case stream, naming its case (the others are not the tables app's). */
export const isCaseSheetEvent = (event: EventEnvelope): boolean => event.streamId.startsWith('case-') && typeof event.payload.caseId === 'string';

/**
 * Records the shareable facts (`signalFactsOf`: an allow-list, so the reporter reference, the reporter relation and the
 * BSN stay behind) of the `SignalReceived` events among `events`, each with its envelope's municipality and special
 * category; a signal recorded before keeps its row. Values sealed in the event stay sealed, as they are: nothing is
 * opened or sealed again here. `beforeInsert` runs first with the signal ids (the consumer locks them against parking
 * referrals). Returns the ids of the signals whose facts the events carry (none: nothing was written).
 */
export async function recordSignalFacts(
  store: CaseSheetStore,
  tx: SqlExecutor,
  events: readonly EventEnvelope[],
  tables: ProjectionTableNames = LIVE_CASE_SHEET_TABLES,
  beforeInsert?: (signalIds: string[]) => Promise<void>,
): Promise<string[]> {
  const recorded = events.flatMap((event) => {
    if (event.type !== SIGNAL_RECEIVED_EVENT_TYPE) return [];
    const facts = signalFactsOf(event.payload);
    return facts ? [{ facts, municipality: event.municipality, specialCategory: event.specialCategory }] : [];
  });
  if (recorded.length === 0) return [];
  const arrived = recorded.map((r) => r.facts.signalId);
  await beforeInsert?.(arrived);
  await store.insertFacts(tx, recorded, tables);
  return arrived;
}

/** What the consumer does with each case event once its sheet is evolved (referrals, escalations); a replay does nothing. */
export interface CaseSheetSteps {
  /** The event and the sheet after it; `sheets` holds every sheet of the batch as evolved so far. */
  step?(event: EventEnvelope, sheet: CaseSheet, sheets: ReadonlyMap<string, CaseSheet>): Promise<void>;
  /** An event of a case with no sheet (no `CaseOpened` seen): skipped. */
  unknownCase?(event: EventEnvelope): void;
}

/**
 * Evolves the sheets of the case events among `events` (`isCaseSheetEvent`) in order with `evolveCaseSheet`, from
 * the stored sheets, and writes the changed ones in one statement at the end. Notes reach a sheet only when marked
 * `deelbaar`, with their text as the event carries it (sealed under the case's key). Returns the batch's sheets as
 * evolved, or null when `events` held no case event (nothing was read or written).
 */
export async function evolveCaseSheets(
  store: CaseSheetStore,
  tx: SqlExecutor,
  events: readonly EventEnvelope[],
  tables: ProjectionTableNames = LIVE_CASE_SHEET_TABLES,
  on: CaseSheetSteps = {},
): Promise<ReadonlyMap<string, CaseSheet> | null> {
  const caseEvents = events.filter(isCaseSheetEvent);
  if (caseEvents.length === 0) return null;
  const sheets = await store.sheets(tx, caseEvents.map((e) => e.payload.caseId as string), tables);
  const changed = new Map<string, CaseSheet>();
  for (const event of caseEvents) {
    const caseId = event.payload.caseId as string;
    const before = sheets.get(caseId) ?? null;
    const sheet = evolveCaseSheet(before, { ...event.payload, type: event.type } as unknown as CaseEvent);
    if (!sheet) {
      on.unknownCase?.(event);
      continue;
    }
    if (sheet !== before) {
      sheets.set(caseId, sheet);
      changed.set(caseId, sheet);
    }
    await on.step?.(event, sheet, sheets);
  }
  await store.saveSheets(tx, [...changed.values()], tables);
  return sheets;
}

/** Events per statement pair in a replay (keeps each statement's parameters well under PostgreSQL's 65,535). */
const REPLAY_CHUNK = 5000;
const store = new CaseSheetStore();

/**
 * Applies signal and case events to the facts and sheets (or a replay's tables), in order, inside the caller's
 * transaction: the consumer's own two steps (`recordSignalFacts`, `evolveCaseSheets`), without the inbox (a replay
 * reads each event once from the log) and without what the consumer does besides (referrals, escalations: other
 * projections). The two tables do not depend on each other, so facts before sheets per chunk is the consumer's order.
 */
export async function applyToCaseSheets(tx: SqlExecutor, events: readonly EventEnvelope[], tables: ProjectionTableNames): Promise<void> {
  for (let i = 0; i < events.length; i += REPLAY_CHUNK) {
    const chunk = events.slice(i, i + REPLAY_CHUNK);
    await recordSignalFacts(store, tx, chunk, tables);
    await evolveCaseSheets(store, tx, chunk, tables);
  }
}

const WALL_CLOCK = 'wall-clock time of the apply (now()), not part of any event';

/**
 * What the tables app knows of signals and cases — the input from which it decides what is disclosed to tables and
 * the police — as a rebuildable projection (`npm run audit -- replay --projection tables-case-sheets`), folded from
 * `SignalReceived` and the case streams (`case-<id>`). Live, the consumer of `signaalroute.signals.v1` and
 * `signaalroute.cases.v1` writes them with the same functions, so the replay is compared once it has caught up.
 * Sealed values are copied from the events as they are (never opened, never sealed again: that happens only on
 * the way out, in `CaseMinimiser`), so a replay is byte-identical without any key.
 */
export const CASE_SHEETS_PROJECTION: ProjectionDefinition = {
  name: 'tables-case-sheets',
  description: "Tables: what the tables app knows of cases (case sheets) and signals (shareable facts), the input of every disclosure",
  tables: [
    { name: 'tables_signal_facts', primaryKey: ['signal_id'], ignoredColumns: { recorded_at: WALL_CLOCK } },
    { name: 'tables_case_sheets', primaryKey: ['case_id'], ignoredColumns: { updated_at: WALL_CLOCK } },
  ],
  eventTypes: [SIGNAL_RECEIVED_EVENT_TYPE, ...CASE_EVENT_TYPES],
  apply: applyToCaseSheets,
};
