import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { BUILT_IN_TABLES_CONFIG, type TablesConfig } from '#domain';
import type { CommandResult } from '../support/run-node.js';
import { tokenCliSandbox } from '../support/token-cli.js';

/**
 * A table member sees only what is referred to the tables it sits on, so `npm run token --role table-member` without
 * `--table`, or naming a table the instance does not have (TABLES_CONFIG_FILE, else the built-in tables), minted a
 * token that the API then answered 403 `AUTH.TABLE_NOT_ALLOWED` everywhere. Such a request is refused with exit 2,
 * naming the flag, before the signing key is read or created, like the CLI's other requests that would mean nothing.
 * The CLI runs as `npm run token` runs it: compiled, in a process of its own.
 */

const cli = tokenCliSandbox('tables');
const token = cli.token;

const claimsOf = (run: CommandResult) => JSON.parse(Buffer.from(run.stdout.trim().split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

const member = (...extra: string[]) => ['--role', 'table-member', '--municipality', 'GM0153', ...extra];

describe('npm run token --role table-member: only tables the instance has', () => {
  it.each([
    ['no --table', member(), /^token: --table is required for role table-member: /],
    ['a table the built-in configuration does not have', member('--table', 'riec-oost'), /^token: --table: the built-in tables configuration has no table riec-oost; /],
    ['one unknown among known ones', member('--table', 'riec,zvh,jeugdgroepenoverleg,riec-oost'), /has no table zvh, riec-oost;/],
  ])('refuses %s with exit 2, naming the flag, and leaves the data folder untouched', async (_what, args, message) => {
    const run = await token(args);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
    expect(await readdir(cli.dataDir)).toEqual([]);
  });

  it('mints a token for tables of the built-in configuration', async () => {
    const run = await token(member('--table', 'riec,zvh-casusoverleg'));
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(claimsOf(run)).toMatchObject({ role: 'table-member', tables: ['riec', 'zvh-casusoverleg'] });
  });

  it('reads the tables from TABLES_CONFIG_FILE when set, as the instance does', async () => {
    const riec = BUILT_IN_TABLES_CONFIG.tables.find((t) => t.id === 'riec')!;
    const riecOost = { ...riec, id: 'riec-oost', topic: 'signaalroute.tables.riec-oost.v1' };
    const config: TablesConfig = { ...BUILT_IN_TABLES_CONFIG, tables: [...BUILT_IN_TABLES_CONFIG.tables, riecOost] };
    const file = path.join(cli.work, 'tables.json');
    await writeFile(file, JSON.stringify(config));
    const minted = await token(member('--table', 'riec-oost'), { TABLES_CONFIG_FILE: file });
    expect({ code: minted.code, stderr: minted.stderr }).toEqual({ code: 0, stderr: '' });
    expect(claimsOf(minted)).toMatchObject({ tables: ['riec-oost'] });
    const refused = await token(member('--table', 'riec-west'), { TABLES_CONFIG_FILE: file });
    expect({ code: refused.code, stdout: refused.stdout }).toEqual({ code: 2, stdout: '' });
    expect(refused.stderr).toContain(`--table: TABLES_CONFIG_FILE ${file} has no table riec-west;`);
    const blank = await token(member('--table', 'riec'), { TABLES_CONFIG_FILE: '  ' });
    expect({ code: blank.code, stdout: blank.stdout }).toEqual({ code: 2, stdout: '' });
    expect(blank.stderr).toMatch(/TABLES_CONFIG_FILE is set but blank/);
  });
});
