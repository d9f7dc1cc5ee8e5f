/** The smallest SQL surface the event store needs: parameterised queries inside or outside a transaction. */
export interface SqlResult<T> {
  rows: T[];
  rowCount: number;
}

export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<SqlResult<T>>;
}

/** A database the store can run transactions on. */
export interface Database extends SqlExecutor {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `work` in one transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /** Applies pending migrations (idempotent). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Postgres error code of a failed query, if any (unwraps TypeORM's QueryFailedError). */
export function sqlErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  const code = e?.driverError?.code ?? e?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Whether a statement was refused for something in its data rather than for the database's state: a cardinality
 * violation (SQLSTATE class 21: one upsert meeting the same row twice, as when two items of a batch write one row), a
 * data exception (22, e.g. text with a NUL character), an integrity constraint (23, e.g. a duplicate key) or a program
 * limit (54, e.g. a value too large to index). A batched statement refused so is worth retrying item by item (the
 * others can go through); one that failed otherwise (connection lost, database shutting down) fails every item.
 */
export function isStatementDataError(error: unknown): boolean {
  return /^(21|22|23|54)/.test(sqlErrorCode(error) ?? '');
}

/** Name of the violated constraint of a failed query, if any. */
export function sqlConstraint(error: unknown): string | undefined {
  const e = error as { constraint?: unknown; driverError?: { constraint?: unknown } } | undefined;
  const c = e?.driverError?.constraint ?? e?.constraint;
  return typeof c === 'string' ? c : undefined;
}
