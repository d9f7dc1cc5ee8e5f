import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BUILT_IN_TABLES_CONFIG, type TablesConfig } from '#domain';

/**
 * A `TABLES_CONFIG_FILE` in `dir`: the built-in tables with `municipality` taken out of the politie table's region
 * and out of every listed escalation policy (the `'*'` fallback stays), as an administrator shrinks the region.
 */
export async function tablesWithoutInPoliceRegion(dir: string, municipality: string): Promise<string> {
  const config: TablesConfig = {
    tables: BUILT_IN_TABLES_CONFIG.tables.map((t) => (t.id === 'politie' ? { ...t, municipalities: t.municipalities.filter((m) => m !== municipality) } : t)),
    escalation: {
      ...BUILT_IN_TABLES_CONFIG.escalation,
      policies: BUILT_IN_TABLES_CONFIG.escalation.policies.map((p) => (p.municipalities === '*' ? p : { ...p, municipalities: p.municipalities.filter((m) => m !== municipality) })),
    },
  };
  return written(dir, `tables-without-${municipality}.json`, config);
}

/** A `TABLES_CONFIG_FILE` in `dir`: the built-in tables with `municipality` added to the politie table's region (the `'*'` policy covers it). */
export async function tablesWithInPoliceRegion(dir: string, municipality: string): Promise<string> {
  const config: TablesConfig = {
    ...BUILT_IN_TABLES_CONFIG,
    tables: BUILT_IN_TABLES_CONFIG.tables.map((t) => (t.id === 'politie' ? { ...t, municipalities: [...t.municipalities, municipality] } : t)),
  };
  return written(dir, `tables-with-${municipality}.json`, config);
}

async function written(dir: string, name: string, config: TablesConfig): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(config));
  return file;
}
