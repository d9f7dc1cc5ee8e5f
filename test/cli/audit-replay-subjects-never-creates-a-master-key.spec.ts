import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionReplayer } from '#eventstore';
import { MASTER_KEY_PROVIDER } from '#platform';
import type { MasterKeyProvider } from '#security';
import { subjectRegistryProjection } from '../../apps/router/src/subjects/subject-registry.projection.js';
import { PRODUCT_APPS } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';
import { buildProduct, type ProductBuild } from '../support/product-process.js';
import { runNode, type CommandResult } from '../support/run-node.js';

/**
 * `npm run audit -- replay --projection subjects` opens the subjects' sealed values with the service's master
 * keys, which it reads (SIGNAALROUTE_MASTER_KEY, or the key files in SIGNAALROUTE_DATA_DIR/keys/) and never
 * creates: with none configured or found it fails naming SIGNAALROUTE_MASTER_KEY and leaves the data folder as
 * it was. Before, it went through the app's key provider, which WROTE a new random
 * `keys/field-encryption.key` into the auditor's folder, and then failed telling the user to add a previous
 * master key. The CLI runs as `npm run audit` runs it: compiled, in a process of its own, against the service's
 * PostgreSQL database.
 */

let build: ProductBuild;
let h: AppHarness;
let work: string;
let serviceKeyHex: string;
const ENSCHEDE = 'GM0153';

beforeAll(async () => {
  build = await buildProduct();
  work = await mkdtemp(path.join(tmpdir(), 'sr-audit-subjects-'));
  h = await startApp({ apps: PRODUCT_APPS });
  if (!h.databaseUrl) throw new Error('this test runs the CLI in a process of its own: it needs PostgreSQL (the embedded database is the test process\'s)');
  serviceKeyHex = (await readFile(path.join(h.dataDir, 'keys', 'field-encryption.key'), 'utf8')).trim();
  const coordinator = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-replay-keys' });
  const registered = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: ENSCHEDE, name: 'A. Sleutel', bsn: '111222333', birthDate: '1970-03-04' } });
  expect(registered.status).toBe(201);
  const keys = h.running.app.get<symbol, MasterKeyProvider>(MASTER_KEY_PROVIDER, { strict: false });
  const replayer = new ProjectionReplayer(h.db, [subjectRegistryProjection(() => keys.masterKeys())]);
  await waitFor(async () => (await replayer.replay('subjects')).identical, { what: 'the replay to reach the live subjects', timeoutMs: 30_000 });
}, 240_000);
afterAll(async () => {
  await h?.stop();
  await build?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

function audit(args: string[], env: Record<string, string>): Promise<CommandResult> {
  return runNode(build.entry('scripts/audit'), args, { cwd: work, env: { DATABASE_URL: h.databaseUrl!, ...env } });
}

/** Every file and folder under `dir`, relative, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe('npm run audit -- replay --projection subjects', () => {
  it('without a master key configured or found, fails naming SIGNAALROUTE_MASTER_KEY and creates no key', async () => {
    const auditorFolder = await mkdtemp(path.join(work, 'auditor-'));
    const run = await audit(['replay', '--projection', 'subjects'], { SIGNAALROUTE_DATA_DIR: auditorFolder });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('SIGNAALROUTE_MASTER_KEY');
    expect(run.stderr).toMatch(/never creates/);
    expect(run.stderr).not.toMatch(/SIGNAALROUTE_PREVIOUS_MASTER_KEYS \(or keys\/previous-master-keys/);
    expect(await filesUnder(auditorFolder)).toEqual([]);
  });

  it('nor in the default ./.signaalroute of the working folder', async () => {
    const run = await audit(['replay', '--projection', 'subjects'], {});
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('SIGNAALROUTE_MASTER_KEY');
    expect(await readdir(work)).not.toContain('.signaalroute');
  });

  it('replays identical with the service\'s key file (SIGNAALROUTE_DATA_DIR), leaving its keys folder as it was', async () => {
    const before = await filesUnder(path.join(h.dataDir, 'keys'));
    const run = await audit(['replay', '--projection', 'subjects'], { SIGNAALROUTE_DATA_DIR: ` ${h.dataDir} ` });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('replay identical to the live tables') });
    expect(await filesUnder(path.join(h.dataDir, 'keys'))).toEqual(before);
  });

  it('replays identical with the service\'s key in SIGNAALROUTE_MASTER_KEY, writing nothing', async () => {
    const auditorFolder = await mkdtemp(path.join(work, 'auditor-'));
    const run = await audit(['replay', '--projection', 'subjects'], { SIGNAALROUTE_DATA_DIR: auditorFolder, SIGNAALROUTE_MASTER_KEY: serviceKeyHex });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('replay identical to the live tables') });
    expect(await filesUnder(auditorFolder)).toEqual([]);
  });

  it.each([
    ['a malformed SIGNAALROUTE_MASTER_KEY', () => ({ SIGNAALROUTE_MASTER_KEY: 'abc' }), /SIGNAALROUTE_MASTER_KEY must be 64 hexadecimal characters/],
    ['previous keys without a current one', () => ({ SIGNAALROUTE_PREVIOUS_MASTER_KEYS: randomBytes(32).toString('hex') }), /SIGNAALROUTE_PREVIOUS_MASTER_KEYS needs SIGNAALROUTE_MASTER_KEY/],
  ])('refuses %s (exit 2) and writes nothing', async (_what, env, message) => {
    const auditorFolder = await mkdtemp(path.join(work, 'auditor-'));
    const run = await audit(['replay', '--projection', 'subjects'], { SIGNAALROUTE_DATA_DIR: auditorFolder, ...env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(await filesUnder(auditorFolder)).toEqual([]);
  });
});
