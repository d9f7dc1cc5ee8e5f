import { quoteIdent } from './projections/projection-definition.js';

/** A table that rows are written to in the same statement as appended events (keys, read rows, log lines). */
export interface RowTable {
  readonly name: string;
  /** Column names with their PostgreSQL types (the types of the `unnest` arrays). */
  readonly columns: readonly (readonly [column: string, type: string])[];
  /** A constant conflict clause, e.g. `ON CONFLICT (case_id) DO UPDATE SET …`; never built from values. */
  readonly onConflict?: string;
}

/** One row for a {@link RowTable}, by column name (a column left out is written as NULL). */
export interface TableRow {
  readonly table: RowTable;
  readonly values: Readonly<Record<string, unknown>>;
}

/** A {@link RowTable}; `columns` in insert order, as `{ column: 'type' }`. */
export function rowTable(name: string, columns: Readonly<Record<string, string>>, onConflict?: string): RowTable {
  for (const type of Object.values(columns)) {
    if (!/^[a-z][a-z0-9_ ]*$/.test(type)) throw new RangeError(`rowTable ${name}: unsupported column type "${type}"`);
  }
  return { name, columns: Object.entries(columns), onConflict };
}

/** Up to this many rows go in as a plain VALUES list; more as one array per column. */
export const VALUES_ROWS_MAX = 2;

/**
 * One INSERT of all `rows` (rows of one table). More than {@link VALUES_ROWS_MAX} rows are bound as one array
 * parameter per column (`unnest`), so the statement's text — and PostgreSQL's parse and plan of it — is the
 * same for ten rows or a thousand: a group-commit statement costs the server no more planning when load makes
 * it bigger. One or two rows go in as VALUES, which is quicker for so few (measured: a one-item append took
 * 15–20 % longer through arrays).
 */
export function insertRowsSql(table: RowTable, rows: readonly TableRow[], param: (value: unknown) => string): string {
  const names = table.columns.map(([column]) => quoteIdent(column));
  const source = rowsSource(table.columns, rows.map((row) => row.values), param);
  return `INSERT INTO ${quoteIdent(table.name)} (${names.join(', ')}) SELECT * FROM ${source} AS r (${names.join(', ')})${table.onConflict ? ` ${table.onConflict}` : ''}`;
}

/**
 * `rows` as a FROM item with `columns` (alias it with the column names): a VALUES list for up to
 * {@link VALUES_ROWS_MAX} rows, else `unnest` over one array parameter per column. A column a row leaves out is NULL.
 */
export function rowsSource(columns: RowTable['columns'], rows: readonly Readonly<Record<string, unknown>>[], param: (value: unknown) => string): string {
  if (rows.length <= VALUES_ROWS_MAX) {
    return `(VALUES ${rows.map((row) => `(${columns.map(([column, type]) => `${param(row[column] ?? null)}::${type}`).join(', ')})`).join(', ')})`;
  }
  return `unnest(${columns.map(([column, type]) => `${param(rows.map((row) => row[column] ?? null))}::${type}[]`).join(', ')})`;
}

/** `rows` grouped by table, in the order each table first appears. */
export function groupRowsByTable(rows: Iterable<TableRow>): Map<RowTable, TableRow[]> {
  const byTable = new Map<RowTable, TableRow[]>();
  for (const row of rows) {
    const list = byTable.get(row.table);
    if (list) list.push(row);
    else byTable.set(row.table, [row]);
  }
  return byTable;
}
