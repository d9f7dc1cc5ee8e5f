import { readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { BUILT_IN_TABLES_CONFIG, type TablesConfig } from '#domain';
import type { CommandResult } from '../support/run-node.js';
import { tokenCliSandbox } from '../support/token-cli.js';

/**
 * `npm run token` mints a police liaison's token only for municipalities the `politie` table serves, in the tables
 * configuration the instance runs with (TABLES_CONFIG_FILE, else the built-in tables): the API shows a liaison only
 * escalations of those (issue 4). Before, `--role police-liaison --municipality GM0363` minted a token for Amsterdam,
 * which the shipped politie table does not serve. A refused request exits 2 naming the municipality, before the
 * signing key is read or created, like every other refused request. The CLI runs as `npm run token` runs it:
 * compiled, in a process of its own.
 */

const cli = tokenCliSandbox('region');
const token = cli.token;

/**
 * A tables configuration file whose politie table serves `municipalities`, with only the `'*'` escalation policy (a
 * policy naming a municipality the politie table does not serve, as the built-in Twente one would, is refused).
 */
async function tablesFile(municipalities: string[]): Promise<string> {
  const config: TablesConfig = {
    tables: BUILT_IN_TABLES_CONFIG.tables.map((t) => (t.id === 'politie' ? { ...t, municipalities } : t)),
    escalation: { ...BUILT_IN_TABLES_CONFIG.escalation, policies: BUILT_IN_TABLES_CONFIG.escalation.policies.filter((p) => p.municipalities === '*') },
  };
  const file = path.join(cli.work, `tables-${municipalities.join('-')}.json`);
  await writeFile(file, JSON.stringify(config));
  return file;
}

const claimsOf = (run: CommandResult) => JSON.parse(Buffer.from(run.stdout.trim().split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe("npm run token --role police-liaison: only the politie table's region", () => {
  it.each([
    ['a municipality the built-in politie table does not serve', ['GM0363'], {}, /--municipality: the politie table of the built-in tables configuration does not serve GM0363/],
    ['one of several', ['GM0153', 'GM0363', 'GM0599'], {}, /does not serve GM0363, GM0599;/],
  ])('refuses %s with exit 2, naming it, and leaves the data folder untouched', async (_what, municipalities, env, message) => {
    const run = await token(['--role', 'police-liaison', '--municipality', municipalities.join(',')], env);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
    expect(await readdir(cli.dataDir)).toEqual([]);
  });

  it('reads the region from TABLES_CONFIG_FILE when set, as the instance does', async () => {
    const amsterdamOnly = await tablesFile(['GM0363']);
    const minted = await token(['--role', 'police-liaison', '--municipality', 'GM0363'], { TABLES_CONFIG_FILE: amsterdamOnly });
    expect({ code: minted.code, stderr: minted.stderr }).toEqual({ code: 0, stderr: '' });
    expect(claimsOf(minted)).toMatchObject({ role: 'police-liaison', municipalities: ['GM0363'] });
    const refused = await token(['--role', 'police-liaison', '--municipality', 'GM0153'], { TABLES_CONFIG_FILE: amsterdamOnly });
    expect({ code: refused.code, stdout: refused.stdout }).toEqual({ code: 2, stdout: '' });
    expect(refused.stderr).toContain(`the politie table of TABLES_CONFIG_FILE ${amsterdamOnly} does not serve GM0153`);
  });

  it.each([
    ['blank', '  ', /TABLES_CONFIG_FILE is set but blank/],
    ['missing', path.join(tmpdir(), 'sr-no-such-tables.json'), /TABLES_CONFIG_FILE .*sr-no-such-tables\.json cannot be read/],
  ])('refuses a %s TABLES_CONFIG_FILE with exit 2 (the instance would not start with it), leaving the data folder untouched', async (_what, file, message) => {
    const run = await token(['--role', 'police-liaison', '--municipality', 'GM0153'], { TABLES_CONFIG_FILE: file });
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
    expect(await readdir(cli.dataDir)).toEqual([]);
  });

  it("mints a liaison token inside the region; other roles' tokens do not depend on the politie table", async () => {
    const liaison = await token(['--role', 'police-liaison', '--municipality', 'GM0153,GM0164']);
    expect({ code: liaison.code, stderr: liaison.stderr }).toEqual({ code: 0, stderr: '' });
    expect(claimsOf(liaison)).toMatchObject({ role: 'police-liaison', municipalities: ['GM0153', 'GM0164'] });
    const coordinator = await token(['--role', 'coordinator', '--municipality', 'GM0363'], { TABLES_CONFIG_FILE: '  ' });
    expect(coordinator.code).toBe(0);
  });
});
