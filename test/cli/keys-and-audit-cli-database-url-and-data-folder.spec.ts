import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TypeOrmDatabase } from '#eventstore';
import { CreateKeyring1764500000000, DataKeysMasterKeyId1764700000000 } from '#platform';
import { buildProduct, type ProductBuild } from '../support/product-process.js';
import { runNode, type CommandResult } from '../support/run-node.js';

/**
 * Where `npm run keys` and `npm run audit` look for the database and the data folder.
 *
 * An empty or blank `--database-url` (an unset shell variable: `--database-url "$DB"`) is a usage error naming
 * the flag (exit 2), checked before anything else. Before, `''` was taken as "no URL": with
 * `SIGNAALROUTE_DATA_DIR/pgdata` present the command silently ran against the embedded database (PGlite even
 * initialised an empty folder), and without it the error said "set DATABASE_URL" although it was set.
 *
 * `SIGNAALROUTE_DATA_DIR` is trimmed, as the app (`loadConfig`) and `npm run token` read it, so every tool
 * finds the same folder; set but blank it is refused (exit 2), as the app refuses it. Before, a blank value fell
 * back to ./.signaalroute of the working folder.
 *
 * The flags are parsed alike: a flag given twice (`--database-url A --database-url B` took B), a number that is
 * not plain decimal digits (`--batch 1e3`, `0x100`), and `--workers` on the embedded database (worker threads
 * cannot open it: it was silently ignored) are refused with exit 2. Usage after a mistake goes to stderr (exit 2),
 * asked for with --help to stdout (exit 0). The CLIs run as `npm run keys` / `npm run audit` run them: compiled, in
 * a process of their own, here in an empty working folder so that nothing lands in the checkout.
 */

let build: ProductBuild;
let work: string;
/** A data folder with a migrated embedded database (ledger and keyring, no data keys) and a master key file. */
let dataDir: string;
const masterKey = randomBytes(32).toString('hex');

beforeAll(async () => {
  build = await buildProduct();
  work = await mkdtemp(path.join(tmpdir(), 'sr-keys-cli-'));
  dataDir = path.join(work, 'data');
  await mkdir(path.join(dataDir, 'keys'), { recursive: true });
  await writeFile(path.join(dataDir, 'keys', 'field-encryption.key'), masterKey, { mode: 0o600 });
  const db = await TypeOrmDatabase.open({ dataDir: path.join(dataDir, 'pgdata'), migrations: [CreateKeyring1764500000000, DataKeysMasterKeyId1764700000000] });
  await db.migrate();
  await db.close();
}, 240_000);
afterAll(async () => {
  await build?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

function cli(script: 'keys' | 'audit', args: string[], env: Record<string, string>): Promise<CommandResult> {
  return runNode(build.entry(`scripts/${script}`), args, { cwd: work, env });
}

describe('npm run keys -- status|rotate --database-url', () => {
  it.each([
    ['status', ''],
    ['rotate', ''],
    ['status', '   '],
  ])('refuses %s with an empty or blank --database-url (%j), naming the flag, and never opens the embedded database', async (command, url) => {
    const folder = await mkdtemp(path.join(work, 'embedded-'));
    await mkdir(path.join(folder, 'pgdata'));
    const run = await cli('keys', [command, '--database-url', url], { SIGNAALROUTE_DATA_DIR: folder, SIGNAALROUTE_MASTER_KEY: masterKey, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--database-url must not be empty/);
    expect(run.stderr).toContain('Usage:');
    expect(await readdir(path.join(folder, 'pgdata'))).toEqual([]);
  });

  it('says the flag is empty, not "set DATABASE_URL", when there is no embedded database and no master key either', async () => {
    const folder = await mkdtemp(path.join(work, 'empty-'));
    const run = await cli('keys', ['status', '--database-url', ''], { SIGNAALROUTE_DATA_DIR: folder });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--database-url must not be empty/);
    expect(run.stderr).not.toMatch(/set DATABASE_URL/);
    expect(await readdir(folder)).toEqual([]);
  });
});

describe('SIGNAALROUTE_DATA_DIR with surrounding whitespace', () => {
  it('is trimmed by npm run keys: status finds the key file and the embedded database', async () => {
    const run = await cli('keys', ['status'], { SIGNAALROUTE_DATA_DIR: `  ${dataDir}  ` });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('rotation complete') });
    expect(await readdir(work)).not.toContainEqual(expect.stringMatching(/^\s/));
  });

  it('is trimmed by npm run audit: verify finds the embedded database', async () => {
    const run = await cli('audit', ['verify'], { SIGNAALROUTE_DATA_DIR: `\t${dataDir} ` });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('ledger verified') });
    expect(await readdir(work)).not.toContainEqual(expect.stringMatching(/^\s/));
  });
});

describe('a set but blank SIGNAALROUTE_DATA_DIR', () => {
  it.each([
    ['keys', ['status'], ''],
    ['keys', ['rotate'], ' '],
    ['audit', ['verify'], ''],
    ['audit', ['replay', '--projection', 'case-view'], '\t'],
    ['audit', ['replay', '--projection', 'case-view', '--previous'], ' '],
  ] as const)('is refused by %s %j (%j) with exit 2, before the working folder\'s ./.signaalroute is looked at', async (script, args, blank) => {
    const folder = await mkdtemp(path.join(work, 'cwd-'));
    await mkdir(path.join(folder, '.signaalroute', 'pgdata'), { recursive: true });
    const run = await runNode(build.entry(`scripts/${script}`), [...args], { cwd: folder, env: { SIGNAALROUTE_DATA_DIR: blank, SIGNAALROUTE_MASTER_KEY: masterKey } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/SIGNAALROUTE_DATA_DIR is blank/);
    expect(await readdir(path.join(folder, '.signaalroute', 'pgdata'))).toEqual([]);
  });
});

describe('a set but blank DATABASE_URL or master key', () => {
  it.each([
    ['keys', ['status'], { DATABASE_URL: '' }, 'DATABASE_URL'],
    ['audit', ['verify'], { DATABASE_URL: ' ' }, 'DATABASE_URL'],
    ['keys', ['status'], { SIGNAALROUTE_MASTER_KEY: '' }, 'SIGNAALROUTE_MASTER_KEY'],
    ['audit', ['replay', '--projection', 'subjects'], { SIGNAALROUTE_MASTER_KEY: '\t' }, 'SIGNAALROUTE_MASTER_KEY'],
  ] as const)('is refused by %s %j (%j) with exit 2, naming it, instead of falling back to the embedded database or a key file', async (script, args, env, name) => {
    const folder = await mkdtemp(path.join(work, 'cwd-'));
    await mkdir(path.join(folder, 'data', 'pgdata'), { recursive: true });
    const run = await runNode(build.entry(`scripts/${script}`), [...args], { cwd: folder, env: { SIGNAALROUTE_DATA_DIR: path.join(folder, 'data'), ...env } });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toContain(`${name} is set but blank`);
    expect(await readdir(path.join(folder, 'data', 'pgdata'))).toEqual([]);
  });
});

describe('flags of npm run keys and npm run audit', () => {
  it.each([
    ['keys', ['status', '--database-url', 'postgres://a@127.0.0.1:1/a', '--database-url', 'postgres://b@127.0.0.1:1/b'], /--database-url is given more than once/],
    ['keys', ['status', '--json', '--json'], /--json is given more than once/],
    ['keys', ['rotate', '--batch', '1e3'], /--batch must be a whole number of data keys in 1\.\.10000, in decimal digits; got "1e3"/],
    ['keys', ['rotate', '--batch', '0x10'], /--batch must be a whole number/],
    ['audit', ['verify', '--batch', '1e3'], /--batch must be a whole number of rows in 100\.\.100000, in decimal digits; got "1e3"/],
    ['audit', ['verify', '--batch', '0x100'], /--batch must be a whole number/],
    ['audit', ['verify', '--workers', '4'], /--workers applies only to PostgreSQL \(DATABASE_URL\)/],
    ['audit', ['verify', '--workers', '1'], /--workers applies only to PostgreSQL/],
    ['audit', ['verify', '--batch', '1000', '--batch', '2000'], /--batch is given more than once/],
    ['audit', ['replay', '--projection', 'triage-queue', '--max-differences', '1e2'], /--max-differences must be a whole number in 1\.\.10000, in decimal digits; got "1e2"/],
    ['audit', ['replay', '--list', '--switch'], /--switch does not go with --list/],
    ['audit', ['replay', '--list', '--projection', 'nope'], /--projection does not go with --list/],
    ['audit', ['replay', '--projection', 'triage-queue', '--switch', '--keep'], /--keep keeps the replay tables .* with --switch/],
  ] as const)('%s %j is refused with exit 2, its first line naming the flag', async (script, args, message) => {
    const run = await cli(script, [...args], { SIGNAALROUTE_DATA_DIR: dataDir, SIGNAALROUTE_MASTER_KEY: masterKey });
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr.split('\n')[0]).toMatch(message);
    expect(run.stderr).toContain('Usage:');
  });

  it('still verifies the embedded database with a --batch in decimal digits', async () => {
    const run = await cli('audit', ['verify', '--batch', '1000'], { SIGNAALROUTE_DATA_DIR: dataDir });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('ledger verified') });
  });

  it.each(['keys', 'audit'] as const)('%s without a command writes the usage to stderr with exit 2, and with --help to stdout with exit 0', async (script) => {
    const none = await cli(script, [], {});
    expect({ code: none.code, stdout: none.stdout }).toEqual({ code: 2, stdout: '' });
    expect(none.stderr).toContain('Usage:');
    const help = await cli(script, ['--help'], {});
    expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage:/);
  });
});
