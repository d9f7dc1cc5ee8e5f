/**
 * `npm run token`'s check of a police liaison's municipalities against the tables configuration the instance runs
 * with (TABLES_CONFIG_FILE, read and validated as the server reads it; the built-in tables when unset): each must be
 * one the `politie` table serves. The API shows a liaison only escalations of those (the others reach no liaison, but
 * the coordinator), so a token naming another would mean nothing for it; it is refused like the CLI's other requests
 * that would mean nothing, before the signing key is read or created.
 */
import { outsidePoliceRegion, POLICE_TABLE } from '#domain';
import type { TokenRequest } from '#security';
import { UsageError } from './cli.js';
import { instanceTablesConfig, tablesConfigSource } from './token-tables-config.js';

/**
 * @throws UsageError when `request` is a police liaison's naming a municipality the `politie` table does not serve,
 *   or when TABLES_CONFIG_FILE is blank, unreadable or invalid (the server would not start with it)
 */
export async function assertInsidePoliceRegion(request: TokenRequest, env: Record<string, string | undefined>): Promise<void> {
  if (request.role !== 'police-liaison') return;
  const outside = outsidePoliceRegion(await instanceTablesConfig(env), request.municipalities ?? []);
  if (outside.length > 0) {
    throw new UsageError(
      `--municipality: the ${POLICE_TABLE} table of ${tablesConfigSource(env)} does not serve ${outside.join(', ')}; a police liaison sees only escalations of municipalities it serves ` +
        '(run with the TABLES_CONFIG_FILE the instance runs with)',
    );
  }
}
