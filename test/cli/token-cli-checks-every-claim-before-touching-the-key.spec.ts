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
 * only then did `issueToken` refuse. The CLI runs as `npm run token` runs it: compiled, in a process of its own.
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

describe('npm run token', () => {
  it.each([
    ['a subject with surrounding whitespace', ['--subject', ' x'], /"sub"/],
    ['a subject with a control character', ['--subject', 'anna\u0007'], /"sub"/],
    ['a subject longer than 256 characters', ['--subject', 'a'.repeat(257)], /"sub"/],
    ['a table id with a space', ['--table', 'RIEC Oost'], /"tables"/],
    ['a table id starting with a dot', ['--table', 'riec,.oost'], /"tables"/],
  ])('refuses %s with exit 2 and leaves the data folder untouched', async (_what, extra, message) => {
    const run = await token('--role', 'coordinator', '--municipality', 'GM0153', ...extra);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(message);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('mints a token for a valid request, creating the signing key on first use', async () => {
    const run = await token('--role', 'coordinator', '--municipality', 'GM0153', '--subject', 'anna', '--table', 'riec-oost');
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout.trim().split('.')).toHaveLength(3);
    expect(existsSync(path.join(dataDir, 'keys', 'jwt-signing.private.jwk.json'))).toBe(true);
  });
});
