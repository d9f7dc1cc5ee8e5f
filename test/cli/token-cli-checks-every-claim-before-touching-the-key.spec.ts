import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { buildProduct, type ProductBuild } from '../support/product-process.js';
import { runNode, type CommandResult } from '../support/run-node.js';

/**
 * `npm run token` refuses a request the verifier would reject (exit 2) before it reads or creates the signing
 * key: refused input leaves the data folder as it was. Before, " x" as subject or "RIEC Oost" as table passed
 * the CLI's own checks, `SigningKeys.loadOrCreate` wrote `<dataDir>/keys/jwt-signing.private.jwk.json`, and
 * only then did `issueToken` refuse. It also refuses what the verifier would take but what means nothing or hides
 * a typing mistake: a flag given twice (parseArgs kept the last: `--municipality GM0153 --municipality GM0999`
 * minted a GM0999-only token), an empty or repeated list entry, `--table` for a role other than table-member (only
 * table members' tables are checked), `--municipality` for an auditor (auditors read every municipality), a --ttl
 * that is not decimal digits, and a set but blank SIGNAALROUTE_DATA_DIR (it fell back to ./.signaalroute, created
 * a key pair there and printed a token the instance rejects). The CLI runs as `npm run token` runs it: compiled,
 * in a process of its own.
 */

let build: ProductBuild;
let dataDir: string;

beforeAll(async () => {
  build = await buildProduct();
}, 180_000);
afterAll(async () => {
  await build?.remove();
});
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'sr-token-cli-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function token(...args: string[]): Promise<CommandResult> {
  return runNode(build.entry('scripts/token'), args, { env: { SIGNAALROUTE_DATA_DIR: dataDir } });
}

/** The token's payload (the claims), undecoded signature left aside. */
const claimsOf = (run: CommandResult) => JSON.parse(Buffer.from(run.stdout.trim().split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('npm run token', () => {
  it.each([
    ['a subject with surrounding whitespace', ['--subject', ' x'], /"sub"/],
    ['a subject with a control character', ['--subject', 'anna\u0007'], /"sub"/],
    ['a subject longer than 256 characters', ['--subject', 'a'.repeat(257)], /"sub"/],
    ['a table id with a space', ['--table', 'RIEC Oost'], /"tables"/],
    ['a table id starting with a dot', ['--table', 'riec,.oost'], /"tables"/],
    ['a repeated --municipality', ['--municipality', 'GM0999'], /^token: --municipality is given more than once/],
    ['a repeated --table', ['--table', 'riec', '--table', 'zvh'], /^token: --table is given more than once/],
    ['a repeated --role', ['--role', 'admin'], /^token: --role is given more than once/],
    ['a --ttl in exponent notation', ['--ttl', '1e3'], /^token: --ttl must be a whole number of seconds in 1\.\.\d+, in decimal digits; got "1e3"/],
    ['a --ttl in hexadecimal', ['--ttl', '0x100'], /^token: --ttl must be a whole number/],
  ])('refuses %s with exit 2 and leaves the data folder untouched', async (_what, extra, message) => {
    const run = await token('--role', 'table-member', '--municipality', 'GM0153', ...extra);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it.each([
    ['an empty municipality entry', ['--role', 'coordinator', '--municipality', 'GM0153,,GM0599'], /--municipality has an empty entry/],
    ['a trailing comma', ['--role', 'coordinator', '--municipality', 'GM0153,'], /--municipality has an empty entry/],
    ['an empty --municipality for an admin', ['--role', 'admin', '--municipality', ''], /--municipality has an empty entry/],
    ['a municipality named twice', ['--role', 'coordinator', '--municipality', 'GM0153,GM0153'], /--municipality names "GM0153" twice/],
    ['a table named twice', ['--role', 'table-member', '--municipality', 'GM0153', '--table', 'riec, riec'], /--table names "riec" twice/],
    ['--table for a coordinator', ['--role', 'coordinator', '--municipality', 'GM0153', '--table', 'x'], /--table applies only to role table-member/],
    ['--table for an admin', ['--role', 'admin', '--table', 'riec'], /--table applies only to role table-member/],
    ['--municipality for an auditor', ['--role', 'auditor', '--municipality', 'GM0153'], /--municipality does not apply to role auditor/],
  ])('refuses %s with exit 2, naming the flag, and leaves the data folder untouched', async (_what, args, message) => {
    const run = await token(...args);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it.each(['', '  '])('refuses a set but blank SIGNAALROUTE_DATA_DIR (%j) with exit 2, creating no key pair in the working folder', async (blank) => {
    const run = await runNode(build.entry('scripts/token'), ['--role', 'auditor'], { cwd: dataDir, env: { SIGNAALROUTE_DATA_DIR: blank } });
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/SIGNAALROUTE_DATA_DIR is blank/);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('mints a token for a valid request, creating the signing key on first use', async () => {
    const run = await token('--role', 'table-member', '--municipality', 'GM0153,GM0599', '--subject', 'anna', '--table', 'riec', '--ttl', '600');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(claimsOf(run)).toMatchObject({ role: 'table-member', municipalities: ['GM0153', 'GM0599'], tables: ['riec'], sub: 'anna' });
    expect(existsSync(path.join(dataDir, 'keys', 'jwt-signing.private.jwk.json'))).toBe(true);
  });

  it('mints an auditor token without municipalities, and a coordinator token without tables', async () => {
    const auditor = await token('--role', 'auditor');
    expect(auditor.code).toBe(0);
    expect(claimsOf(auditor)).not.toHaveProperty('municipalities');
    const coordinator = await token('--role', 'coordinator', '--municipality', 'GM0153');
    expect(coordinator.code).toBe(0);
    expect(claimsOf(coordinator)).not.toHaveProperty('tables');
  });

  it('prints the usage asked for on stdout with exit 0', async () => {
    const run = await token('--help');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^Usage: npm run token/);
  });
});
