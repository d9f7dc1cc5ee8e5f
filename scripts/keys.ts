/**
 * The key administrator's command line: master key rotation of the field encryption.
 *
 *   npm run keys -- status [--json] [--database-url <url>]
 *       Live data keys per master key id (current, previous, not configured, or unrecorded: wrapped before ids
 *       were recorded) and the number of destroyed keys. Exit 0 when every live key is under the current master
 *       key (the previous keys can be removed), 1 when some are not yet (run rotate).
 *   npm run keys -- rotate [--batch <rows>] [--json] [--database-url <url>]
 *       Re-wraps every live data key that is not under the current master key, in batches (each its own
 *       transaction; safe to run twice or concurrently; destroyed keys stay destroyed). Exit 0 when nothing is
 *       left under another key, 1 when some still are (locked by a concurrent run or destruction: run again).
 *
 * The master keys are read like the app reads them: SIGNAALROUTE_MASTER_KEY and SIGNAALROUTE_PREVIOUS_MASTER_KEYS,
 * or the key files in SIGNAALROUTE_DATA_DIR/keys/ (the embedded default). The database is --database-url or
 * DATABASE_URL (postgres://…), or the embedded one in SIGNAALROUTE_DATA_DIR when the app is not running; an empty
 * or blank --database-url is refused (exit 2), not read as "no URL", and so is a flag given twice. SIGNAALROUTE_DATA_DIR
 * is trimmed, as the app reads it, and refused (exit 2) when set but blank. Exit 2: invalid arguments or key
 * configuration; 3: could not run (database unreachable or not migrated, a data key under a master key that is not
 * configured).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TypeOrmDatabase } from '#eventstore';
import { MasterKeyRotation, type MasterKeyStatus } from '#platform';
import { MASTER_KEY_FILE, MasterKeyConfigError, masterKeyProviderFor, UnknownMasterKeyError, type MasterKeys } from '#security';
import { CannotRunError, dataDirFrom, embeddedDatabaseProblem, envSetting, err, errorText, out, parseFlags, runCli, UsageError, wholeNumberFlag } from './cli.js';

const USAGE = `Usage:
  npm run keys -- status [--json] [--database-url <url>]
  npm run keys -- rotate [--batch <rows>] [--json] [--database-url <url>]
Master keys: SIGNAALROUTE_MASTER_KEY (+ SIGNAALROUTE_PREVIOUS_MASTER_KEYS), or the key files in SIGNAALROUTE_DATA_DIR/keys/.
The database is --database-url or DATABASE_URL (postgres://…), or the embedded one in SIGNAALROUTE_DATA_DIR (default ./.signaalroute;
set but blank is refused); an empty --database-url is refused: leave the flag out to use DATABASE_URL or the embedded database.
A flag given twice is refused (exit 2).`;

/** The configured master keys, or those in the data folder `folder`; never creates a key file (a new key would unwrap nothing). */
function configuredMasterKeys(folder: string): MasterKeys {
  const current = envSetting(process.env, 'SIGNAALROUTE_MASTER_KEY');
  const keyFile = path.join(folder, 'keys', MASTER_KEY_FILE);
  if (!current && !existsSync(keyFile)) throw new CannotRunError(`no master key: set SIGNAALROUTE_MASTER_KEY, or SIGNAALROUTE_DATA_DIR to the folder holding keys/${MASTER_KEY_FILE}`);
  try {
    return masterKeyProviderFor(folder, current, envSetting(process.env, 'SIGNAALROUTE_PREVIOUS_MASTER_KEYS')).masterKeys();
  } catch (error) {
    if (error instanceof MasterKeyConfigError) throw new UsageError(`${error.code}: ${error.message}`);
    throw error;
  }
}

/**
 * The database URL: --database-url, else DATABASE_URL, else none (the embedded database). An empty or blank
 * --database-url (an unset shell variable: `--database-url "$DB"`) is refused, never read as "no URL": that would
 * fall back to DATABASE_URL or, silently, to the embedded database.
 */
function databaseUrlFrom(flag: string | undefined): string | undefined {
  if (flag !== undefined && flag.trim() === '') throw new UsageError('--database-url must not be empty: give a postgres:// URL, or leave the flag out (DATABASE_URL, else the embedded database)');
  const url = flag ?? envSetting(process.env, 'DATABASE_URL');
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) throw new UsageError(`${flag === undefined ? 'DATABASE_URL' : '--database-url'} must be a postgres:// URL`);
  return url;
}

/** The database at `url` (see `databaseUrlFrom`), or the embedded one in `folder`; it must have been migrated by this version. */
async function openKeyringDatabase(url: string | undefined, folder: string): Promise<TypeOrmDatabase> {
  const problem = url ? null : embeddedDatabaseProblem(folder);
  if (problem) throw new CannotRunError(problem);
  let db: TypeOrmDatabase;
  try {
    db = await TypeOrmDatabase.open(url ? { databaseUrl: url, poolSize: 4 } : { dataDir: `${folder}/pgdata` });
  } catch (error) {
    throw new CannotRunError(`cannot open the database: ${errorText(error)}`);
  }
  const column = await db.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'data_keys' AND column_name = 'master_key_id'`);
  if (column.rows.length === 0) {
    await db.close();
    throw new CannotRunError('this database has no data_keys.master_key_id: start this version of the app once against it, it migrates');
  }
  return db;
}

function describeStatus(status: MasterKeyStatus): string[] {
  const lines = [`current master key: ${status.currentMasterKeyId}`];
  for (const u of status.usage) lines.push(`  ${(u.masterKeyId ?? '(unrecorded)').padEnd(20)} ${u.role.padEnd(15)} ${u.liveKeys.toLocaleString('en')} live data keys`);
  lines.push(`  destroyed data keys: ${status.destroyedKeys.toLocaleString('en')} (they stay destroyed)`);
  lines.push(
    status.rotationComplete
      ? 'rotation complete: every live data key is under the current master key; the previous master keys can be removed'
      : 'rotation NOT complete: keep the previous master keys configured and run `npm run keys -- rotate`',
  );
  return lines;
}

const commonOptions = { json: { type: 'boolean' }, 'database-url': { type: 'string' } } as const;

async function status(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { options: commonOptions });
  const url = databaseUrlFrom(values['database-url']);
  const folder = dataDirFrom(process.env);
  const keys = configuredMasterKeys(folder);
  const db = await openKeyringDatabase(url, folder);
  try {
    const result = await new MasterKeyRotation(db, keys).status();
    if (values.json) out(JSON.stringify(result, null, 2));
    for (const line of describeStatus(result)) err(line);
    return result.rotationComplete ? 0 : 1;
  } finally {
    await db.close();
  }
}

async function rotate(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { options: { ...commonOptions, batch: { type: 'string' } } });
  const batchSize = wholeNumberFlag('--batch', values.batch, 1, 10_000, 'data keys') ?? 500;
  const url = databaseUrlFrom(values['database-url']);
  const folder = dataDirFrom(process.env);
  const keys = configuredMasterKeys(folder);
  const db = await openKeyringDatabase(url, folder);
  try {
    const report = await new MasterKeyRotation(db, keys).rotate({ batchSize, onBatch: (n) => err(`re-wrapped ${n.toLocaleString('en')} data keys`) });
    if (values.json) out(JSON.stringify(report, null, 2));
    err(`rotation to master key ${report.currentMasterKeyId}: ${report.rewrapped.toLocaleString('en')} data keys re-wrapped in ${report.batches} batches`);
    if (report.remaining > 0) {
      err(`${report.remaining.toLocaleString('en')} live data keys are still under another master key (locked by a concurrent run or destruction, or added by a process still on the old key): run rotate again`);
      return 1;
    }
    err('every live data key is under the current master key; the previous master keys can be removed');
    return 0;
  } catch (error) {
    if (error instanceof UnknownMasterKeyError) throw new CannotRunError(`${error.code}: ${error.message}`);
    throw error;
  } finally {
    await db.close();
  }
}

process.exitCode = await runCli('keys', USAGE, { status, rotate }, process.argv.slice(2));
