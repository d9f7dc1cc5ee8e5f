/** Migrations each app contributes for its own tables (read models, idempotency keys, vault). */
export type MigrationClass = Function;
