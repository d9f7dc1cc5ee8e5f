/**
 * `npm run token`'s check of a table member's tables against the tables configuration the instance runs with
 * (TABLES_CONFIG_FILE, else the built-in tables). A table member sees only what is referred to the tables it sits
 * on, and the API answers 403 `AUTH.TABLE_NOT_ALLOWED` for any other, so a token naming no table, or only tables the
 * instance does not have, would be refused everywhere; it is refused here instead, like the CLI's other requests that
 * would mean nothing, before the signing key is read or created.
 */
import type { TokenRequest } from '#security';
import { UsageError } from './cli.js';
import { instanceTablesConfig, tablesConfigSource } from './token-tables-config.js';

/**
 * @throws UsageError when `request` is a table member's naming no table or a table the configuration does not have,
 *   or when TABLES_CONFIG_FILE is blank, unreadable or invalid (the server would not start with it)
 */
export async function assertKnownTables(request: TokenRequest, env: Record<string, string | undefined>): Promise<void> {
  if (request.role !== 'table-member') return;
  const tables = request.tables ?? [];
  if (tables.length === 0) {
    throw new UsageError(
      '--table is required for role table-member: a table member sees only cases referred to the tables it sits on, so without one every request is refused (403 AUTH.TABLE_NOT_ALLOWED)',
    );
  }
  const configured = new Set((await instanceTablesConfig(env)).tables.map((table) => table.id));
  const unknown = tables.filter((id) => !configured.has(id));
  if (unknown.length > 0) {
    throw new UsageError(
      `--table: ${tablesConfigSource(env)} has no table ${unknown.join(', ')}; a token for it would be refused everywhere ` +
        `(configured: ${[...configured].join(', ')}; run with the TABLES_CONFIG_FILE the instance runs with)`,
    );
  }
}
