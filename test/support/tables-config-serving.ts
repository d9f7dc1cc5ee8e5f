import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUILT_IN_TABLES_CONFIG, type TablesConfig } from '#domain';

/**
 * A tables configuration file (for `TABLES_CONFIG_FILE`) that is the built-in one with every table also serving
 * `municipalities`: tests that run on test municipalities of their own (GM9xxx, see `testMunicipality`) and refer
 * cases to tables, which the router refuses for a table that does not serve the case's municipality.
 */
export async function tablesConfigServing(municipalities: readonly string[]): Promise<string> {
  const config: TablesConfig = {
    ...BUILT_IN_TABLES_CONFIG,
    tables: BUILT_IN_TABLES_CONFIG.tables.map((t) => ({ ...t, municipalities: [...new Set([...t.municipalities, ...municipalities])] })),
  };
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'sr-tables-')), 'tables.json');
  await writeFile(file, JSON.stringify(config));
  return file;
}
