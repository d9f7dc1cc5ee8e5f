import type { SqlExecutor } from '../database/sql-executor.js';
import { quoteIdent } from './projection-definition.js';

/** A sequence a column default of a table draws from (`nextval`), with the table column that owns it, if any. */
export interface DefaultSequence {
  /** The column whose default draws from the sequence. */
  column: string;
  /** The sequence's name, schema-qualified and quoted as PostgreSQL quotes identifiers. */
  sequence: string;
  /** The table owning the sequence (`OWNED BY`, as a serial column's table does), when it is in the same schema; else null. */
  ownerTable: string | null;
}

/**
 * The defaults of `table` that draw from a sequence a table matching `isCopy` owns: those whose ownership belongs to
 * `table` instead. Identity columns have no such default (their sequence is the column's own), nor does a default
 * drawing from a sequence nobody owns or another table owns.
 */
export function sequencesToTakeOver(defaults: readonly DefaultSequence[], isCopy: (tableName: string) => boolean): DefaultSequence[] {
  return defaults.filter((d) => d.ownerTable !== null && isCopy(d.ownerTable));
}

/** The sequences the column defaults of `table` (a table of the current schema) draw from, found in the catalog. */
export async function defaultSequences(db: SqlExecutor, table: string): Promise<DefaultSequence[]> {
  const r = await db.query<{ column_name: string; sequence_name: string; owner_table: string | null }>(
    `SELECT a.attname::text AS column_name,
            quote_ident(sn.nspname) || '.' || quote_ident(s.relname) AS sequence_name,
            (SELECT o.relname::text FROM pg_depend own JOIN pg_class o ON o.oid = own.refobjid
              WHERE own.classid = 'pg_class'::regclass AND own.objid = s.oid AND own.refclassid = 'pg_class'::regclass
                AND own.deptype = 'a' AND o.relnamespace = t.relnamespace) AS owner_table
       FROM pg_class t
       JOIN pg_attrdef d ON d.adrelid = t.oid
       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.adnum
       JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid AND dep.refclassid = 'pg_class'::regclass
       JOIN pg_class s ON s.oid = dep.refobjid AND s.relkind = 'S'
       JOIN pg_namespace sn ON sn.oid = s.relnamespace
      WHERE t.relname = $1 AND t.relnamespace = current_schema()::regnamespace
      ORDER BY a.attnum, s.oid`,
    [table],
  );
  return r.rows.map((row) => ({ column: row.column_name, sequence: row.sequence_name, ownerTable: row.owner_table }));
}

/**
 * Makes `table` the owner of each sequence one of its column defaults draws from while a copy of it (`isCopy`) owns
 * it: `ALTER SEQUENCE … OWNED BY <table>.<column>`, in the caller's transaction. A table built `LIKE` another
 * (`INCLUDING ALL`) draws from the other's serial sequence without owning it; once the other is renamed out as a
 * kept copy, that copy could not be dropped while the live default depends on its sequence. Returns the
 * sequences taken over. The sequence's value is untouched: the numbering goes on.
 */
export async function takeOverSequences(tx: SqlExecutor, table: string, isCopy: (tableName: string) => boolean): Promise<string[]> {
  const taken = sequencesToTakeOver(await defaultSequences(tx, table), isCopy);
  for (const d of taken) await tx.query(`ALTER SEQUENCE ${d.sequence} OWNED BY ${quoteIdent(table)}.${quoteIdent(d.column)}`);
  return taken.map((d) => d.sequence);
}
