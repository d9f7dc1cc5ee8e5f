import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startProcess, type AppDescriptor } from '#platform';
import { BUILT_IN_TABLES_CONFIG } from '#domain';
import { ROUTER_APP } from '../../apps/router/src/router.app.js';
import { TABLES_APP } from '../../apps/tables/src/tables.app.js';
import { stubSwaggerUiAssetsUnderJest } from '../support/app-harness.js';
import { createPostgresDatabase, dropPostgresDatabase } from '../support/infra.js';

/**
 * Bad input gets a clear error and changes nothing. A configuration the process refuses was refused only once Nest
 * made the providers: a retention rules file naming an unknown model left a fresh database with every table
 * migrated, and the data folder with a master key file and a JWT key pair. The configuration is now checked before
 * the process migrates or writes anything; a check that needs the database (models published in it) reads it as
 * it is, and a database that holds none yet cannot make an unknown model known.
 */

let work: string;
let databaseUrl: string;

beforeAll(async () => {
  await stubSwaggerUiAssetsUnderJest();
  work = await mkdtemp(path.join(tmpdir(), 'sr-refused-start-'));
  databaseUrl = await createPostgresDatabase();
});

afterAll(async () => {
  await dropPostgresDatabase(databaseUrl);
  await rm(work, { recursive: true, force: true });
});

/** The tables in the test database (none while nothing was migrated). */
async function tablesInDatabase(): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'")).rows.map((r) => r.name);
  } finally {
    await client.end();
  }
}

/** Every file under `dir`, relative to it. */
async function filesIn(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String);
}

const rulesNamingAnUnknownModel = { rules: [{ id: 'typo', title: 'Regel met een tikfout', outcome: { kind: 'case-closed', model: 'ave-typo' }, keep: { amount: 1, unit: 'years' } }] };

/** A tables configuration whose profile names a field that does not exist. */
function tablesWithAnUnknownField(): unknown {
  const config = JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG)) as { tables: { id: string; profile: { fields: Record<string, string[]> } }[] };
  config.tables.find((t) => t.id === 'zvh-jor')!.profile.fields.ave!.push('strafblad');
  return config;
}

/** Starts `apps` with `env` on a data folder of its own; resolves to the refusal and that folder. */
async function refusedStart(name: string, apps: readonly AppDescriptor[], env: Record<string, string>): Promise<{ error: Error & { code?: string }; dataDir: string }> {
  const dataDir = await mkdtemp(path.join(work, `${name}-`));
  try {
    const running = await startProcess(apps, { env: { SIGNAALROUTE_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }, listen: false });
    await running.app.close();
  } catch (error) {
    return { error: error as Error & { code?: string }, dataDir };
  }
  throw new Error(`${name}: expected the start-up to be refused`);
}

describe('a refused start-up changes nothing', () => {
  it('retention rules naming an unknown model: refused before PostgreSQL is migrated and before any key file is written', async () => {
    const rules = path.join(work, 'rules.json');
    await writeFile(rules, JSON.stringify(rulesNamingAnUnknownModel));
    const { error, dataDir } = await refusedStart('rules-postgres', [ROUTER_APP], { DATABASE_URL: databaseUrl, RETENTION_RULES_FILE: rules });
    expect(error.code).toBe('RETENTION.CONFIG_INVALID');
    expect(error.message).toMatch(/^RETENTION_RULES_FILE .*rules\.json: invalid retention rules:\n {2}- rules\[0\]\.outcome\.model: rule "typo": unknown model "ave-typo"/);
    expect(await tablesInDatabase()).toEqual([]);
    expect(await filesIn(dataDir)).toEqual([]);
  });

  it('retention rules naming an unknown model on the embedded default: no database and no key file is made', async () => {
    const rules = path.join(work, 'rules-embedded.json');
    await writeFile(rules, JSON.stringify(rulesNamingAnUnknownModel));
    const { error, dataDir } = await refusedStart('rules-embedded', [ROUTER_APP], { RETENTION_RULES_FILE: rules });
    expect(error.code).toBe('RETENTION.CONFIG_INVALID');
    expect(await filesIn(dataDir)).toEqual([]);
  });

  it('an invalid tables configuration file: refused naming TABLES_CONFIG_FILE before anything is migrated or written', async () => {
    const tables = path.join(work, 'tables.json');
    await writeFile(tables, JSON.stringify(tablesWithAnUnknownField()));
    for (const apps of [[TABLES_APP], [ROUTER_APP]]) {
      const { error, dataDir } = await refusedStart(`tables-${apps[0]!.name}`, apps, { DATABASE_URL: databaseUrl, TABLES_CONFIG_FILE: tables });
      expect(error.code).toBe('TABLES.CONFIG_INVALID');
      expect(error.message).toMatch(/^TABLES_CONFIG_FILE .*tables\.json: invalid tables configuration:/);
      expect(await tablesInDatabase()).toEqual([]);
      expect(await filesIn(dataDir)).toEqual([]);
    }
  });

  it('a blank JWT_PUBLIC_KEYS_FILE on PostgreSQL: refused instead of starting in embedded mode with a key pair made in the data folder', async () => {
    const { error, dataDir } = await refusedStart('blank-jwks', [ROUTER_APP], { DATABASE_URL: databaseUrl, JWT_PUBLIC_KEYS_FILE: '' });
    expect(error.message).toBe('JWT_PUBLIC_KEYS_FILE is set but blank: unset it for the default, or give it a value');
    expect(await tablesInDatabase()).toEqual([]);
    expect(await filesIn(dataDir)).toEqual([]);
  });

  it('a JWKS file that cannot be read: refused before anything is migrated', async () => {
    const { error, dataDir } = await refusedStart('missing-jwks', [ROUTER_APP], { DATABASE_URL: databaseUrl, JWT_PUBLIC_KEYS_FILE: path.join(work, 'missing-jwks.json') });
    expect(error.message).toMatch(/^JWKS file .*missing-jwks\.json cannot be read$/);
    expect(await tablesInDatabase()).toEqual([]);
    expect(await filesIn(dataDir)).toEqual([]);
  });

  it('a JWKS file holding a key that cannot verify (y pasted over with x): refused naming the file and the key before anything is migrated', async () => {
    const good = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const jwks = path.join(work, 'mangled-jwks.json');
    await writeFile(jwks, JSON.stringify({ keys: [good, { ...good, y: good.x, kid: 'idp-2026' }] }));
    const { error, dataDir } = await refusedStart('mangled-jwks', [ROUTER_APP], { DATABASE_URL: databaseUrl, JWT_PUBLIC_KEYS_FILE: jwks });
    expect(error.message).toMatch(/^JWKS file .*mangled-jwks\.json key #1: not a usable ES256 public key$/);
    expect(await tablesInDatabase()).toEqual([]);
    expect(await filesIn(dataDir)).toEqual([]);
  });
});
