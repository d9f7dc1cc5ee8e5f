import { randomBytes } from 'node:crypto';
import type { EventEnvelope } from '#contracts';
import { DomainError } from '#domain';
import type { Database, SqlExecutor } from '../database/sql-executor.js';
import { likePrefix } from '../database/like-prefix.js';
import { EVENT_COLUMNS, rowToEnvelope, type EventRow } from '../event-row.js';
import { START_CURSOR, type ReadCursor } from '../event-store.js';
import { quoteIdent, type ProjectionDefinition, type ProjectionTable, type ProjectionTableNames } from './projection-definition.js';
import { takeOverSequences } from './sequence-ownership.js';

/** One row that differs between the live table and its replay (values without the ignored columns). */
export interface RowDifference {
  /** Primary key of the row. */
  key: Record<string, unknown>;
  kind: 'missing-in-replay' | 'missing-in-live' | 'different';
  /** Columns whose values differ (all columns for a missing row). */
  columns: string[];
  live: Record<string, unknown> | null;
  replay: Record<string, unknown> | null;
}

/** The comparison of one live table with its replay. */
export interface TableComparison {
  table: string;
  replayTable: string;
  liveRows: number;
  replayRows: number;
  /** md5 over the table's canonical content: each row's jsonb text without the ignored columns, in primary-key order. */
  liveHash: string;
  replayHash: string;
  identical: boolean;
  differenceCount: number;
  /** The first differences in primary-key order (at most `maxDifferences`). */
  differences: RowDifference[];
  /** Columns left out of the comparison, with the reason. */
  ignoredColumns: Record<string, string>;
}

export interface ReplayReport {
  projection: string;
  /** True when every table's replay is hash-identical to the live table. */
  identical: boolean;
  /** Events read from the log (only the projection's event types). */
  eventsRead: number;
  /** Where the replay stopped in the global commit order. */
  head: ReadCursor;
  durationMs: number;
  eventsPerSecond: number;
  tables: TableComparison[];
  /** The replay tables left in the database (`keep`), else null (they were dropped or switched in). */
  keptTables: string[] | null;
  /** After a blue-green switch: the former live tables, renamed and kept until dropped (`previous`, `dropPrevious`). */
  switched: { at: string; previousTables: Record<string, string>; eventsCaughtUp: number } | null;
}

export interface ReplayOptions {
  /** Switch the replay in as the live tables (blue-green), in one transaction. */
  switch?: boolean;
  /** Keep the replay tables after comparing (default: drop them). Ignored with `switch`. */
  keep?: boolean;
  /** Differences listed per table (default 20). */
  maxDifferences?: number;
  /** Events per read and per apply transaction (default 5000). */
  batchSize?: number;
  /** After each batch is applied; the replay waits for a promise it returns. */
  onProgress?: (eventsRead: number) => void | Promise<void>;
}

/** Raised for a projection name nobody registered. */
export function projectionUnknown(name: string, known: readonly string[]): DomainError {
  return new DomainError('REPLAY.PROJECTION_UNKNOWN', `No projection "${name}"; known: ${known.join(', ') || '(none in this process)'}`, { projection: name, known: [...known] });
}

const suffix = (): string => `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

/** A previous generation's tag as this module may put it in a table name (what {@link suffix} makes, and no more). */
const TAG = /^[0-9a-z]{1,16}$/;

/** The kept former live tables of one blue-green switch (`<table>_previous_<tag>`). */
export interface PreviousGeneration {
  tag: string;
  /** When the switch renamed them out (the time part of the tag), or null for a tag without one. */
  switchedOutAt: string | null;
  /** Live table → its kept copy, for the copies that exist. */
  tables: Record<string, string>;
  /** True when every table of the projection has its copy under this tag. */
  complete: boolean;
}

/** The tag of `tableName` when it is a kept copy of `liveTable` (`<liveTable>_previous_<tag>`), else null. */
export function previousTag(liveTable: string, tableName: string): string | null {
  const prefix = `${liveTable}_previous_`;
  if (!tableName.startsWith(prefix)) return null;
  const tag = tableName.slice(prefix.length);
  return TAG.test(tag) ? tag : null;
}

/** When the switch that made `tag` ran: the tag is `Date.now()` in base 36 followed by 4 hex digits. */
export function tagSwitchedOutAt(tag: string): Date | null {
  if (tag.length <= 4) return null;
  const at = new Date(parseInt(tag.slice(0, -4), 36));
  return Number.isFinite(at.getTime()) ? at : null;
}

/** Generations newest first (by the tag's time; a tag without one counts as oldest), ties by tag. */
export function newestFirst(a: PreviousGeneration, b: PreviousGeneration): number {
  const time = (g: PreviousGeneration) => (g.switchedOutAt === null ? -1 : Date.parse(g.switchedOutAt));
  return time(b) - time(a) || (a.tag < b.tag ? 1 : a.tag > b.tag ? -1 : 0);
}

/** Groups the names of the kept copies found in the catalog into generations of `definition`. */
export function previousGenerations(definition: ProjectionDefinition, tableNames: readonly string[]): PreviousGeneration[] {
  const byTag = new Map<string, Record<string, string>>();
  for (const name of tableNames) {
    for (const t of definition.tables) {
      const tag = previousTag(t.name, name);
      if (tag === null) continue;
      const tables = byTag.get(tag) ?? {};
      tables[t.name] = previousTableName(t.name, tag);
      byTag.set(tag, tables);
    }
  }
  return [...byTag].map(([tag, tables]) => ({
    tag,
    switchedOutAt: tagSwitchedOutAt(tag)?.toISOString() ?? null,
    tables,
    complete: definition.tables.every((t) => t.name in tables),
  })).sort(newestFirst);
}

/** The kept copy's name, built from the definition's own table name and a checked tag only. */
function previousTableName(liveTable: string, tag: string): string {
  if (!TAG.test(tag)) throw new Error(`not a previous-generation tag: ${JSON.stringify(tag)}`);
  return `${liveTable}_previous_${tag}`;
}

/** Raised for a tag that names no kept generation of the projection. */
function previousNotFound(name: string, tag: string | undefined, kept: readonly PreviousGeneration[]): DomainError {
  const which = tag === undefined ? 'no complete previous generation' : `no complete previous generation "${tag}"`;
  return new DomainError('REPLAY.PREVIOUS_NOT_FOUND', `Projection "${name}" has ${which}; kept: ${kept.map((g) => g.tag).join(', ') || '(none)'}`, {
    projection: name,
    tag: tag ?? null,
    kept: kept.map((g) => g.tag),
  });
}

/**
 * Rebuilds a projection from position 0 into fresh tables (`<table>_replay_<n>`, created `LIKE <table>
 * INCLUDING ALL`), reading the whole log in global commit order with `EventStore.readAll`'s rule (only
 * transactions older than the oldest in flight, so no late commit is skipped), then compares each table
 * with the live one row by row and by a hash of its canonical content. On request it switches the replay in
 * (blue-green): in one transaction it locks the live tables, applies the events committed since the replay
 * read its last batch, and renames live → `<table>_previous_<n>`, replay → live; the serial sequences the replay
 * drew from (the former live tables') pass to the new live tables, so a serial column keeps one numbering.
 */
export class ProjectionReplayer {
  constructor(
    private readonly db: Database,
    private readonly definitions: readonly ProjectionDefinition[],
  ) {}

  /** The registered projections. */
  list(): { name: string; description: string; tables: string[] }[] {
    return this.definitions.map((d) => ({ name: d.name, description: d.description, tables: d.tables.map((t) => t.name) }));
  }

  /** @throws DomainError `REPLAY.PROJECTION_UNKNOWN` */
  definition(name: string): ProjectionDefinition {
    const found = this.definitions.find((d) => d.name === name);
    if (!found) throw projectionUnknown(name, this.definitions.map((d) => d.name));
    return found;
  }

  /** @throws DomainError `REPLAY.PROJECTION_UNKNOWN` */
  async replay(name: string, options: ReplayOptions = {}): Promise<ReplayReport> {
    const definition = this.definition(name);
    const started = performance.now();
    const tag = suffix();
    const names: ProjectionTableNames = Object.fromEntries(definition.tables.map((t) => [t.name, `${t.name}_replay_${tag}`]));
    for (const t of definition.tables) {
      await this.db.query(`CREATE TABLE ${quoteIdent(names[t.name]!)} (LIKE ${quoteIdent(t.name)} INCLUDING ALL)`);
    }
    let kept = false;
    try {
      const batchSize = options.batchSize ?? 5000;
      let cursor = START_CURSOR;
      let eventsRead = 0;
      // The next batch is read while the current one is applied (another connection): PostgreSQL reads
      // while Node builds the statements, instead of one waiting for the other. The apply transaction in
      // flight meanwhile is newer than every event read so far, so the oldest-in-flight rule still lets
      // the read-ahead see all that committed before it began.
      let next = readBatch(this.db, cursor, batchSize, definition.eventTypes, true);
      for (;;) {
        const batch = await next;
        if (batch.events.length === 0) break;
        next = readBatch(this.db, batch.last!, batchSize, definition.eventTypes, true);
        try {
          await this.db.transaction((tx) => definition.apply(tx, batch.events, names));
        } catch (error) {
          next.catch(() => undefined);
          throw error;
        }
        eventsRead += batch.events.length;
        cursor = batch.last!;
        await options.onProgress?.(eventsRead);
      }
      const durationMs = Math.round(performance.now() - started);
      let switched: ReplayReport['switched'] = null;
      let tables: TableComparison[];
      if (options.switch) {
        const result = await this.switchIn(definition, names, cursor, tag, batchSize, options.maxDifferences ?? 20);
        switched = result.switched;
        tables = result.tables;
        kept = true; // the replay tables are live now
      } else {
        const compared = await this.compareAtOneMoment(definition, names, cursor, batchSize, options.maxDifferences ?? 20);
        tables = compared.tables;
        cursor = compared.head;
        eventsRead += compared.caughtUp;
        kept = options.keep === true;
      }
      return {
        projection: definition.name,
        identical: tables.every((t) => t.identical),
        eventsRead,
        head: cursor,
        durationMs,
        eventsPerSecond: Math.round(eventsRead / Math.max(0.001, durationMs / 1000)),
        tables,
        keptTables: kept && !switched ? Object.values(names) : null,
        switched,
      };
    } finally {
      if (!kept) {
        for (const replayTable of Object.values(names)) await this.db.query(`DROP TABLE IF EXISTS ${quoteIdent(replayTable)}`).catch(() => undefined);
      }
    }
  }

  /**
   * The kept previous generations of a projection, newest first: the copies `switch` left as
   * `<table>_previous_<tag>`, found in the current schema's catalog.
   * @throws DomainError `REPLAY.PROJECTION_UNKNOWN`
   */
  async previous(name: string): Promise<PreviousGeneration[]> {
    const definition = this.definition(name);
    const r = await this.db.query<{ tablename: string }>(
      `SELECT tablename::text AS tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename::text LIKE ANY($1::text[])`,
      [definition.tables.map((t) => `${likePrefix(`${t.name}_previous_`)}%`)],
    );
    return previousGenerations(definition, r.rows.map((row) => row.tablename));
  }

  /**
   * Refused, changing nothing: a rolled-back generation would have to catch up with every event committed since
   * it was switched out, and where it stood is not known. No projection keeps a checkpoint (`CheckpointStore` has
   * no writer); the Kafka-fed read models (triage-queue, router-signals) apply what their consumers received, per
   * partition and behind the log, deduplicated by the inbox, so the former live tables hold no prefix of the
   * commit order; and `switch` records no position for them. Catching up from a guess applies events twice or
   * misses them. `replay --switch` rebuilds what a caught-up rollback would have been, from the log.
   * @throws DomainError `REPLAY.PROJECTION_UNKNOWN`, `REPLAY.PREVIOUS_NOT_FOUND`, `REPLAY.ROLLBACK_POSITION_UNKNOWN`
   */
  async rollBack(name: string, tag?: string): Promise<never> {
    const kept = await this.previous(name);
    const complete = kept.filter((g) => g.complete);
    const generation = tag === undefined ? complete[0] : complete.find((g) => g.tag === tag);
    if (!generation) throw previousNotFound(name, tag, kept);
    throw new DomainError(
      'REPLAY.ROLLBACK_POSITION_UNKNOWN',
      `Projection "${name}" cannot be rolled back to "${generation.tag}": the kept tables miss the events committed since they were switched out, ` +
        'and the position they had reached in the log is not recorded (read models keep no checkpoint; Kafka-fed ones follow their consumers, not the commit order), ' +
        'so they cannot be caught up without applying events twice or missing some. Run the replay with switch instead: it rebuilds the read model from the log.',
      { projection: name, tag: generation.tag },
    );
  }

  /**
   * Drops the kept previous generations of a projection except the newest `keep` (default 0), each generation in
   * its own transaction. Only the copies' names built from the definition's tables and a checked tag are dropped.
   * @throws DomainError `REPLAY.PROJECTION_UNKNOWN`, `REPLAY.KEEP_INVALID`
   */
  async dropPrevious(name: string, options: { keep?: number } = {}): Promise<{ dropped: PreviousGeneration[]; kept: PreviousGeneration[] }> {
    const keep = options.keep ?? 0;
    if (!Number.isSafeInteger(keep) || keep < 0) throw new DomainError('REPLAY.KEEP_INVALID', `keep must be a whole number of generations, 0 or more; got ${keep}`, { keep });
    const definition = this.definition(name);
    const generations = await this.previous(name);
    const dropped = generations.slice(keep);
    // Oldest first: a drop cut short leaves the newest generations standing, as `keep` would.
    for (const generation of [...dropped].reverse()) {
      await this.db.transaction(async (tx) => {
        // A copy switched out before the switch handed the live table its sequences may still own one.
        for (const t of definition.tables) await takeOverSequences(tx, t.name, (owner) => owner === previousTableName(t.name, generation.tag));
        for (const t of definition.tables) await tx.query(`DROP TABLE IF EXISTS ${quoteIdent(previousTableName(t.name, generation.tag))}`);
      });
    }
    return { dropped, kept: generations.slice(0, keep) };
  }

  /**
   * The comparison without a switch, at one moment and without stopping writers: in one REPEATABLE READ snapshot the
   * replay catches up with every event committed by then and is compared with the live tables as that snapshot
   * sees them. A writer that commits its events and its read-model rows together after the replay's last read is
   * then either in both or in neither; compared in separate statements, it was reported as a difference.
   */
  private async compareAtOneMoment(definition: ProjectionDefinition, names: ProjectionTableNames, from: ReadCursor, batchSize: number, maxDifferences: number) {
    return this.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const { head, caughtUp } = await catchUp(tx, definition, names, from, batchSize);
      return { tables: await compareTables(tx, definition, names, maxDifferences), head, caughtUp };
    });
  }

  /**
   * Blue-green switch in one transaction. The live tables are locked first, so no live writer can change
   * them between the catch-up and the rename; writers waiting on the lock resolve the table name again
   * once it is released and write into the switched-in table. The comparison is made inside the lock,
   * before the rename, so it shows what the switch replaced.
   */
  private async switchIn(definition: ProjectionDefinition, names: ProjectionTableNames, from: ReadCursor, tag: string, batchSize: number, maxDifferences: number) {
    return this.db.transaction(async (tx) => {
      await tx.query(`LOCK TABLE ${definition.tables.map((t) => quoteIdent(t.name)).join(', ')} IN ACCESS EXCLUSIVE MODE`);
      // Everything committed by now: a writer of these tables that was in flight has committed (the lock
      // waited for it); later writers are blocked on the lock and will write into the new tables.
      const eventsCaughtUp = (await catchUp(tx, definition, names, from, batchSize)).caughtUp;
      const tables = await compareTables(tx, definition, names, maxDifferences);
      const previousTables: Record<string, string> = {};
      for (const t of definition.tables) {
        const previous = previousTableName(t.name, tag);
        await tx.query(`ALTER TABLE ${quoteIdent(t.name)} RENAME TO ${quoteIdent(previous)}`);
        await tx.query(`ALTER TABLE ${quoteIdent(names[t.name]!)} RENAME TO ${quoteIdent(t.name)}`);
        previousTables[t.name] = previous;
      }
      // The rebuilt tables draw from the former live tables' serial sequences (`LIKE … INCLUDING ALL` copies the
      // defaults, not the ownership): the live tables take them over, so the kept copies can be dropped and the
      // numbering goes on above every rebuilt row.
      for (const t of definition.tables) await takeOverSequences(tx, t.name, (owner) => previousTag(t.name, owner) !== null);
      return { tables, switched: { at: new Date().toISOString(), previousTables, eventsCaughtUp } };
    });
  }
}

/** Applies to the replay tables, in `tx`, every event after `from` that `tx` sees (no in-flight rule: the caller locked or took a snapshot). */
async function catchUp(tx: SqlExecutor, definition: ProjectionDefinition, names: ProjectionTableNames, from: ReadCursor, batchSize: number): Promise<{ head: ReadCursor; caughtUp: number }> {
  let head = from;
  let caughtUp = 0;
  for (;;) {
    const batch = await readBatch(tx, head, batchSize, definition.eventTypes, false);
    if (batch.events.length === 0) return { head, caughtUp };
    await definition.apply(tx, batch.events, names);
    caughtUp += batch.events.length;
    head = batch.last!;
  }
}

async function compareTables(tx: SqlExecutor, definition: ProjectionDefinition, names: ProjectionTableNames, maxDifferences: number): Promise<TableComparison[]> {
  const tables: TableComparison[] = [];
  for (const t of definition.tables) tables.push(await compareTable(tx, t, t.name, names[t.name]!, maxDifferences));
  return tables;
}

async function readBatch(db: SqlExecutor, cursor: ReadCursor, limit: number, types: readonly string[] | undefined, oldestInFlightRule: boolean): Promise<{ events: EventEnvelope[]; last: ReadCursor | null }> {
  const params: unknown[] = [cursor.transactionId, cursor.position, limit];
  const where = ['(events.transaction_id, events.position) > ($1::xid8, $2::bigint)'];
  if (oldestInFlightRule) where.push('events.transaction_id < pg_snapshot_xmin(pg_current_snapshot())');
  if (types) {
    params.push([...types]);
    where.push(`events.type = ANY($${params.length}::text[])`);
  }
  const r = await db.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY events.transaction_id, events.position LIMIT $3`, params);
  const lastRow = r.rows[r.rows.length - 1];
  return { events: r.rows.map(rowToEnvelope), last: lastRow ? { transactionId: lastRow.transaction_id, position: lastRow.position } : null };
}

const json = (v: unknown): Record<string, unknown> | null => (v === null || v === undefined ? null : ((typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>));

/** Compares a live table with its replay: counts, canonical-content hashes, and the first differing rows. */
export async function compareTable(db: SqlExecutor, table: ProjectionTable, live: string, replay: string, maxDifferences: number): Promise<TableComparison> {
  const ignored = Object.keys(table.ignoredColumns ?? {});
  const pk = table.primaryKey.map(quoteIdent).join(', ');
  const canonical = `to_jsonb(t) - $1::text[]`;
  const digest = async (name: string) => {
    const r = await db.query<{ n: string; h: string }>(
      `SELECT count(*)::text AS n, md5(coalesce(string_agg((${canonical})::text, E'\\n' ORDER BY ${table.primaryKey.map((c) => `t.${quoteIdent(c)}`).join(', ')}), '')) AS h FROM ${quoteIdent(name)} t`,
      [ignored],
    );
    return { rows: Number(r.rows[0]!.n), hash: r.rows[0]!.h };
  };
  const a = await digest(live);
  const b = await digest(replay);
  let differences: RowDifference[] = [];
  let differenceCount = 0;
  if (a.hash !== b.hash || a.rows !== b.rows) {
    const r = await db.query<{ live: unknown; replay: unknown; total: string }>(
      `SELECT l.j AS live, r.j AS replay, count(*) OVER ()::text AS total
         FROM (SELECT ${pk}, ${canonical} AS j FROM ${quoteIdent(live)} t) l
         FULL JOIN (SELECT ${pk}, ${canonical} AS j FROM ${quoteIdent(replay)} t) r USING (${pk})
        WHERE l.j IS DISTINCT FROM r.j
        ORDER BY ${pk}
        LIMIT $2`,
      [ignored, maxDifferences],
    );
    differenceCount = Number(r.rows[0]?.total ?? 0);
    differences = r.rows.map((row) => {
      const l = json(row.live);
      const p = json(row.replay);
      const some = (l ?? p)!;
      const key = Object.fromEntries(table.primaryKey.map((c) => [c, some[c]]));
      if (!p) return { key, kind: 'missing-in-replay', columns: Object.keys(l!), live: l, replay: null };
      if (!l) return { key, kind: 'missing-in-live', columns: Object.keys(p), live: null, replay: p };
      const columns = [...new Set([...Object.keys(l), ...Object.keys(p)])].filter((c) => JSON.stringify(l[c]) !== JSON.stringify(p[c]));
      return { key, kind: 'different', columns, live: l, replay: p };
    });
  }
  return {
    table: live,
    replayTable: replay,
    liveRows: a.rows,
    replayRows: b.rows,
    liveHash: a.hash,
    replayHash: b.hash,
    identical: a.hash === b.hash && a.rows === b.rows,
    differenceCount,
    differences,
    ignoredColumns: { ...(table.ignoredColumns ?? {}) },
  };
}
