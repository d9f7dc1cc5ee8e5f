import type { EventEnvelope, NewEvent } from '#contracts';
import type { Database, SqlExecutor } from './database/sql-executor.js';
import { sqlConstraint, sqlErrorCode } from './database/sql-executor.js';
import { eventHash } from './event-hash.js';
import { VersionConflictError } from './event-store.errors.js';
import { EVENT_COLUMNS, rowToEnvelope, type EventRow } from './event-row.js';
import { groupRowsByTable, insertRowsSql, rowsSource, rowTable, type RowTable, type TableRow } from './table-rows.js';

/** Where a reader stands in the global commit order. */
export interface ReadCursor {
  transactionId: string;
  position: string;
}

export const START_CURSOR: ReadCursor = { transactionId: '0', position: '0' };

export interface StoredEvent extends EventEnvelope {
  cursor: ReadCursor;
}

export interface AppendOptions {
  /** Kafka topic the events are published to through the outbox; omit to keep them internal. */
  topic?: string;
  /**
   * Inserts that must commit atomically with the events (idempotency keys, vault rows). Each builds one
   * `INSERT …` statement (without RETURNING), binding its values through `param`, which returns the
   * placeholder. They run in the same SQL statement as the events, so a unique violation in any of them
   * aborts the whole append.
   */
  alsoInsert?: ((param: (value: unknown) => string, appended: readonly Omit<EventEnvelope, 'position'>[]) => string)[];
  /**
   * Rows that commit atomically with the events, like `alsoInsert`, but as data: a group-commit statement
   * writes the rows of all its items as one INSERT per table (see `insertRowsSql`). A function gets the
   * appended envelopes (e.g. for the new head hash). Prefer this over `alsoInsert` on hot paths.
   */
  rows?: readonly TableRow[] | ((appended: readonly Omit<EventEnvelope, 'position'>[]) => readonly TableRow[]);
  /**
   * The hash of the stream's event at `expectedVersion`, when the writer keeps it (e.g. in a read model
   * written in the same statement as the events). Saves reading the stream head; a wrong or stale value
   * cannot slip through: the version is still enforced by the unique constraint, and a hash that is not
   * the head's makes the statement fail (checked in SQL).
   */
  knownHeadHash?: string;
  /**
   * SQL expressions of type integer evaluated in the append's statement, each of which raises to refuse the
   * append (e.g. a function that locks the rows a rule rests on and checks them, so a concurrent writer of those
   * rows is waited for). Values are bound through `param`. A guard's error fails the whole statement; raise a
   * data error (SQLSTATE class 23, with a constraint name) so a group commit refuses only the item it guards.
   */
  guards?: readonly ((param: (value: unknown) => string) => string)[];
}

export type Clock = () => Date;

/** One stream's share of a multi-stream append: its own expected version and events. */
export interface StreamAppend {
  streamId: string;
  /** The stream's version the writer decided on (0 = new stream). */
  expectedVersion: number;
  events: NewEvent[];
  options?: AppendOptions;
}

/** What became of one `StreamAppend`: its stored events, or the conflict that refused it alone. */
export type StreamAppendResult = { events: EventEnvelope[]; conflict?: undefined } | { events?: undefined; conflict: VersionConflictError };

/** The last event of a stream. */
export interface StreamHead {
  version: number;
  hash: string;
}

/**
 * Append-only event store on PostgreSQL (or PGlite). Every append writes the events and their outbox
 * rows in one transaction; `(stream_id, stream_version)` is unique, so two writers that read the same
 * version cannot both append (optimistic concurrency).
 */
export class EventStore {
  constructor(
    readonly db: Database,
    private readonly clock: Clock = () => new Date(),
  ) {}

  /** Appends in a transaction of its own. `expectedVersion` is the stream's version the writer decided on (0 = new stream). */
  async append(streamId: string, expectedVersion: number, events: NewEvent[], options: AppendOptions = {}): Promise<EventEnvelope[]> {
    try {
      return await this.db.transaction((tx) => this.appendIn(tx, streamId, expectedVersion, events, options));
    } catch (error) {
      if (error instanceof VersionConflictError && error.details?.actualVersion === -1) {
        throw new VersionConflictError(streamId, expectedVersion, await this.streamVersion(streamId));
      }
      throw error;
    }
  }

  /** Appends inside the caller's transaction, so other writes (idempotency keys, vault rows) commit with the events. */
  async appendIn(tx: SqlExecutor, streamId: string, expectedVersion: number, events: NewEvent[], options: AppendOptions = {}): Promise<EventEnvelope[]> {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) throw new RangeError('expectedVersion must be a non-negative integer');
    if (events.length === 0) return [];
    let prevHash: string | null = null;
    if (expectedVersion > 0 && options.knownHeadHash) {
      prevHash = options.knownHeadHash;
    } else if (expectedVersion > 0) {
      // `newer_writer`: the head was written by a transaction younger than this one, which got its id at an earlier
      // write. Readers go by (transaction id, position), so the next version must not carry an older id.
      const head = await tx.query<{ stream_version: number; hash: string; newer_writer: boolean }>(
        `SELECT stream_version, hash, coalesce(transaction_id > pg_current_xact_id_if_assigned(), false) AS newer_writer
           FROM events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1`,
        [streamId],
      );
      const actual = head.rows[0]?.stream_version ?? 0;
      if (actual !== expectedVersion || head.rows[0]!.newer_writer) throw new VersionConflictError(streamId, expectedVersion, actual);
      prevHash = head.rows[0]!.hash;
    }
    const envelopes = this.seal(streamId, expectedVersion, prevHash, events);
    const headChecks = expectedVersion > 0 && options.knownHeadHash ? [{ streamId, version: expectedVersion, hash: options.knownHeadHash }] : [];
    try {
      const [stored] = await this.insertStatement(tx, [{ streamId, envelopes, options }], headChecks);
      return stored!;
    } catch (error) {
      if (isVersionConflict(error)) throw new VersionConflictError(streamId, expectedVersion, -1);
      throw error;
    }
  }

  /**
   * Appends to several streams in ONE statement (group commit across streams), each stream checked on
   * its own: its events take the versions after its `expectedVersion` (unique per stream) and chain to its
   * head, checked in SQL (`knownHeadHash`, else the head is read first). The statement is all or nothing,
   * but a conflict is answered per stream: when it fails on a version conflict, the heads are read, the
   * streams that moved on get their `conflict` and the others are appended again, still together.
   * `db` runs each statement as its own transaction (a failed one must not abort the retry). One item per
   * stream. Errors other than version conflicts (a unique violation in an item's extra writes) fail the
   * call as a whole; the caller can retry the items one by one to find the culprit.
   */
  async appendToStreams(db: SqlExecutor, items: readonly StreamAppend[]): Promise<StreamAppendResult[]> {
    if (new Set(items.map((i) => i.streamId)).size !== items.length) throw new RangeError('appendToStreams: one item per stream');
    for (const i of items) {
      if (!Number.isInteger(i.expectedVersion) || i.expectedVersion < 0) throw new RangeError('expectedVersion must be a non-negative integer');
    }
    const results: StreamAppendResult[] = items.map(() => ({ events: [] }));
    const unknownHeads = items.filter((i) => i.expectedVersion > 0 && !i.options?.knownHeadHash && i.events.length > 0).map((i) => i.streamId);
    const readHeads = unknownHeads.length > 0 ? await this.streamHeads(unknownHeads, db) : new Map<string, StreamHead>();
    let pending: { index: number; prevHash: string | null }[] = [];
    for (const [index, item] of items.entries()) {
      if (item.events.length === 0) continue;
      const known = item.options?.knownHeadHash;
      const read = readHeads.get(item.streamId);
      if (item.expectedVersion > 0 && !known && read?.version !== item.expectedVersion) {
        results[index] = { conflict: new VersionConflictError(item.streamId, item.expectedVersion, read?.version ?? 0) };
        continue;
      }
      pending.push({ index, prevHash: item.expectedVersion === 0 ? null : (known ?? read!.hash) });
    }
    while (pending.length > 0) {
      const batch = pending.map(({ index, prevHash }) => {
        const item = items[index]!;
        return { streamId: item.streamId, envelopes: this.seal(item.streamId, item.expectedVersion, prevHash, item.events), options: item.options ?? {} };
      });
      const headChecks = pending.filter((p) => p.prevHash !== null).map((p) => ({ streamId: items[p.index]!.streamId, version: items[p.index]!.expectedVersion, hash: p.prevHash! }));
      try {
        const stored = await this.insertStatement(db, batch, headChecks);
        for (const [k, p] of pending.entries()) results[p.index] = { events: stored[k]! };
        return results;
      } catch (error) {
        if (!isVersionConflict(error)) throw error;
        const heads = await this.streamHeads(pending.map((p) => items[p.index]!.streamId), db);
        const atHead = (p: { index: number; prevHash: string | null }): boolean => {
          const head = heads.get(items[p.index]!.streamId);
          return p.prevHash === null ? head === undefined : head?.version === items[p.index]!.expectedVersion && head.hash === p.prevHash;
        };
        const moved = pending.filter((p) => !atHead(p));
        if (moved.length === 0) {
          // A conflict none of the heads explains: for one stream it is still that stream's; for several, the caller isolates them.
          if (pending.length > 1) throw error;
          moved.push(...pending);
        }
        for (const p of moved) {
          const item = items[p.index]!;
          results[p.index] = { conflict: new VersionConflictError(item.streamId, item.expectedVersion, heads.get(item.streamId)?.version ?? 0) };
        }
        pending = pending.filter((p) => !moved.includes(p));
      }
    }
    return results;
  }

  /** The last event of each of `streamIds` that has any, in one query. */
  async streamHeads(streamIds: readonly string[], tx: SqlExecutor = this.db): Promise<Map<string, StreamHead>> {
    const r = await tx.query<{ stream_id: string; stream_version: number; hash: string }>(
      `SELECT DISTINCT ON (stream_id) stream_id, stream_version, hash FROM events WHERE stream_id = ANY($1::text[]) ORDER BY stream_id, stream_version DESC`,
      [streamIds],
    );
    return new Map(r.rows.map((row) => [row.stream_id, { version: Number(row.stream_version), hash: row.hash }]));
  }

  /**
   * Starts several new streams (expected version 0 each) in ONE statement: group commit for writers that
   * create many streams at once, such as intake under load. All or nothing: when any item fails (a unique
   * violation in its extra writes, a stream that exists), the whole statement fails and nothing is stored;
   * the caller can retry the items one by one to find the culprit.
   */
  async appendNewStreams(tx: SqlExecutor, items: { streamId: string; events: NewEvent[]; options?: AppendOptions }[]): Promise<EventEnvelope[][]> {
    const sealed = items.map((item) => ({ streamId: item.streamId, envelopes: this.seal(item.streamId, 0, null, item.events), options: item.options ?? {} }));
    if (sealed.every((i) => i.envelopes.length === 0)) return sealed.map(() => []);
    return this.insertStatement(tx, sealed.filter((i) => i.envelopes.length > 0), []).then((stored) => {
      let next = 0;
      return sealed.map((i) => (i.envelopes.length === 0 ? [] : stored[next++]!));
    });
  }

  /** Envelopes with stream versions from `expectedVersion + 1` and the hash chain from `prevHash`. */
  private seal(streamId: string, expectedVersion: number, prevHash: string | null, events: NewEvent[]): Omit<EventEnvelope, 'position'>[] {
    const recordedAt = this.clock().toISOString();
    const envelopes: Omit<EventEnvelope, 'position'>[] = [];
    for (const [i, e] of events.entries()) {
      const base = {
        id: e.id,
        type: e.type,
        version: e.version,
        streamId,
        streamVersion: expectedVersion + i + 1,
        occurredAt: new Date(e.occurredAt).toISOString(),
        recordedAt,
        municipality: e.municipality,
        actor: { id: e.actor.id, role: e.actor.role },
        correlationId: e.correlationId,
        causationId: e.causationId ?? null,
        traceparent: e.traceparent ?? null,
        processingActivity: e.processingActivity,
        legalBasis: e.legalBasis,
        specialCategory: e.specialCategory ?? false,
        payload: e.payload,
        prevHash,
      };
      const hash = eventHash(base);
      envelopes.push({ ...base, hash });
      prevHash = hash;
    }
    return envelopes;
  }

  /**
   * One statement: the items' extra writes, their events and outbox rows commit or fail together, in a
   * single round trip (a lone statement is atomic even outside an explicit transaction).
   */
  private async insertStatement(
    tx: SqlExecutor,
    items: { streamId: string; envelopes: Omit<EventEnvelope, 'position'>[]; options: AppendOptions }[],
    headChecks: readonly { streamId: string; version: number; hash: string }[],
  ): Promise<EventEnvelope[][]> {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const extras = items.flatMap((item, i) => (item.options.alsoInsert ?? []).map((build, j) => `x${i}_${j} AS (${build(param, item.envelopes)} RETURNING 1)`));
    // Rows of every item go in one INSERT per table, events and outbox rows too: the statement's text stays
    // the same however many items it carries (PostgreSQL's parse and plan of it cost the same).
    const rows = groupRowsByTable(items.flatMap((item) => rowsOf(item.options, item.envelopes)));
    const tableRows = [...rows].map(([table, list], k) => `r${k} AS (${insertRowsSql(table, list, param)})`);
    const envelopes = items.flatMap((item) => item.envelopes);
    const ctes = [
      ...extras,
      ...tableRows,
      `ev AS (${insertRowsSql(EVENTS_TABLE, envelopes.map(eventRow), param)} RETURNING id, position, stream_id)`,
    ];
    const published = items.filter((item) => item.options.topic);
    if (published.length > 0) {
      // No message here: the relay builds it (and its headers) from the event row when it publishes.
      const routes = rowsSource(ROUTE_COLUMNS, published.map((item) => ({ stream_id: item.streamId, topic: item.options.topic })), param);
      // In position order: the relay publishes by outbox id, and a join's order is the plan's (a merge join sorts
      // by stream id and loses the version order).
      ctes.push(`ob AS (INSERT INTO outbox (event_id, topic, message_key)
        SELECT ev.id, r.topic, ev.stream_id FROM ev JOIN ${routes} AS r (stream_id, topic) ON r.stream_id = ev.stream_id ORDER BY ev.position)`);
    }
    // Every stream's predecessor checked (the aggregate evaluates each row); any mismatch fails the statement.
    const check =
      headChecks.length === 0
        ? ''
        : headChecks.length === 1
          ? ` CROSS JOIN (SELECT events_assert_head(${param(headChecks[0]!.streamId)}, ${param(headChecks[0]!.version)}, ${param(headChecks[0]!.hash)}) AS ok) AS head_check`
          : ` CROSS JOIN (SELECT count(events_assert_head(h.stream_id, h.version, h.hash)) AS ok FROM unnest(${param(headChecks.map((h) => h.streamId))}::text[], ${param(headChecks.map((h) => h.version))}::int[], ${param(headChecks.map((h) => h.hash))}::text[]) AS h (stream_id, version, hash)) AS head_check`;
    const guards = items.flatMap((item) => item.options.guards ?? []).map((guard) => `(${guard(param)})`);
    const guarded = guards.length === 0 ? '' : ` CROSS JOIN (SELECT ${guards.join(' + ')} AS ok) AS guard_check`;
    const inserted = await tx.query<{ id: string; position: string }>(
      `WITH ${ctes.join(',\n')} SELECT id, position::text AS position${check ? ', head_check.ok' : ''}${guarded ? ', guard_check.ok AS guarded' : ''} FROM ev${check}${guarded}`,
      params,
    );
    const positions = new Map(inserted.rows.map((r) => [r.id, r.position]));
    return items.map((item) => item.envelopes.map((e) => ({ ...e, position: positions.get(e.id)! })));
  }

  /** The stream's current version (0 when it does not exist). */
  async streamVersion(streamId: string, tx: SqlExecutor = this.db): Promise<number> {
    const r = await tx.query<{ v: number | null }>('SELECT max(stream_version) AS v FROM events WHERE stream_id = $1', [streamId]);
    return Number(r.rows[0]?.v ?? 0);
  }

  /** A stream's events in version order. */
  async readStream(streamId: string, tx: SqlExecutor = this.db): Promise<EventEnvelope[]> {
    const r = await tx.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY events.stream_version`, [streamId]);
    return r.rows.map(rowToEnvelope);
  }

  /**
   * Events after `cursor` in global commit order. Only transactions older than the oldest one still in
   * flight are visible, so a late commit can never appear behind a cursor that already moved past it.
   */
  async readAll(cursor: ReadCursor = START_CURSOR, limit = 1000): Promise<StoredEvent[]> {
    const r = await this.db.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM events
        WHERE (events.transaction_id, events.position) > ($1::xid8, $2::bigint)
          AND events.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY events.transaction_id, events.position
        LIMIT $3`,
      [cursor.transactionId, cursor.position, limit],
    );
    return r.rows.map((row) => ({ ...rowToEnvelope(row), cursor: { transactionId: row.transaction_id, position: row.position } }));
  }
}

/** The `events` table as rows of {@link insertRowsSql}; `position` and `transaction_id` are the database's. */
const EVENTS_TABLE = rowTable('events', {
  id: 'uuid', stream_id: 'text', stream_version: 'integer', type: 'text', schema_version: 'integer', occurred_at: 'timestamptz', recorded_at: 'timestamptz',
  municipality: 'text', actor_id: 'text', actor_role: 'text', correlation_id: 'uuid', causation_id: 'uuid', traceparent: 'text',
  processing_activity: 'text', legal_basis: 'text', special_category: 'boolean', payload: 'jsonb', prev_hash: 'text', hash: 'text',
});

/** Which stream's events go to which topic (the outbox insert joins the events on it). */
const ROUTE_COLUMNS: RowTable['columns'] = [['stream_id', 'text'], ['topic', 'text']];

function eventRow(e: Omit<EventEnvelope, 'position'>): TableRow {
  return {
    table: EVENTS_TABLE,
    values: {
      id: e.id, stream_id: e.streamId, stream_version: e.streamVersion, type: e.type, schema_version: e.version, occurred_at: e.occurredAt, recorded_at: e.recordedAt,
      municipality: e.municipality, actor_id: e.actor.id, actor_role: e.actor.role, correlation_id: e.correlationId, causation_id: e.causationId, traceparent: e.traceparent,
      processing_activity: e.processingActivity, legal_basis: e.legalBasis, special_category: e.specialCategory, payload: JSON.stringify(e.payload), prev_hash: e.prevHash, hash: e.hash,
    },
  };
}

function rowsOf(options: AppendOptions, appended: readonly Omit<EventEnvelope, 'position'>[]): readonly TableRow[] {
  const rows = options.rows;
  return rows === undefined ? [] : typeof rows === 'function' ? rows(appended) : rows;
}

/** A version conflict as the database reports it: the version taken by another writer, or a head that is not the expected one. */
function isVersionConflict(error: unknown): boolean {
  const code = sqlErrorCode(error);
  return (code === '23505' && sqlConstraint(error) === 'events_stream_version_unique') || code === 'SR409';
}
