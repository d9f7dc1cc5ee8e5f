import type { EventEnvelope } from '#contracts';
import type { SqlExecutor } from '../database/sql-executor.js';

/** A live table a projection owns, and how to compare two copies of it. */
export interface ProjectionTable {
  /** The live table's name. */
  name: string;
  /** Columns of the primary key (rows are compared and hashed in this order). */
  primaryKey: readonly string[];
  /**
   * Columns left out of the comparison because they legitimately differ between the live table and a
   * replay (wall-clock `now()` at apply time, sequence numbers, transaction ids), each with the reason.
   */
  ignoredColumns?: Readonly<Record<string, string>>;
}

/**
 * Where an `apply` writes: the physical name for each live table name (`tables.triage_queue` is
 * `triage_queue` for the live projection, `triage_queue_replay_<n>` for a replay).
 */
export type ProjectionTableNames = Readonly<Record<string, string>>;

/**
 * A read model that can be rebuilt from the event log: the tables it owns and the function that applies
 * events to them, writing into the table names it is given. Replays feed it every event in global commit
 * order (all streams interleaved), so a projection over several streams or topics sees them consistently.
 * Replays bypass the inbox: the log holds each event once.
 */
export interface ProjectionDefinition {
  /** Stable name (`npm run audit -- replay --projection <name>`). */
  name: string;
  /** What it is, for listings. */
  description: string;
  tables: readonly ProjectionTable[];
  /** Event types it uses; a replay reads only these (all when omitted). */
  eventTypes?: readonly string[];
  /** Applies events in order inside the caller's transaction. */
  apply(tx: SqlExecutor, events: readonly EventEnvelope[], tables: ProjectionTableNames): Promise<void>;
}

/** The identity mapping: every table at its live name. */
export function liveTableNames(definition: ProjectionDefinition): ProjectionTableNames {
  return Object.fromEntries(definition.tables.map((t) => [t.name, t.name]));
}

/** Quotes a table or column name for SQL (names come from code, not from requests; quoting keeps it safe anyway). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
