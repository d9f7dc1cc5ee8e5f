import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BUILT_IN_TABLES_CONFIG, type TablesConfig } from '#domain';
import { ProjectionReplayer } from '#eventstore';
import { referralRegisterProjection } from '../../apps/tables/src/referrals/referral-register.projection.js';
import { registered, TABLES_APP, zvhReferral } from '../../apps/tables/test/support/tables-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';
import { buildProduct, type ProductBuild } from '../support/product-process.js';
import { runNode, type CommandResult } from '../support/run-node.js';

/**
 * `npm run audit -- replay --projection table-referrals` recomputes each referral's `remind_at` with a tables
 * configuration, so it takes that configuration only when it is given explicitly: TABLES_CONFIG_FILE (the file
 * the service runs with) or `--built-in-tables` (the service runs with the built-in one). Without either it
 * refuses (exit 2) before it opens the database. Before, it silently took the built-in tables from the
 * auditor's shell, reported the register as different and, with `--switch`, swapped the wrongly rebuilt
 * register in.
 *
 * The service here runs with a file that gives the ZVH casusoverleg a reminder three working days before its
 * deadline instead of the built-in one day. The CLI runs as `npm run audit` runs it: compiled, in a process of its
 * own, against the service's PostgreSQL database, with nothing of the service's configuration in its environment.
 */

let build: ProductBuild;
let h: AppHarness;
let work: string;
let tablesFile: string;
let referralId: string;
let liveRemindAt: string;
const ENSCHEDE = 'GM0153';

const fileConfig: TablesConfig = {
  ...BUILT_IN_TABLES_CONFIG,
  tables: BUILT_IN_TABLES_CONFIG.tables.map((t) => (t.id === 'zvh-casusoverleg' ? { ...t, reminderLeadTime: { amount: 3, unit: 'working-days' } } : t)),
};

beforeAll(async () => {
  build = await buildProduct();
  work = await mkdtemp(path.join(tmpdir(), 'sr-audit-tables-'));
  tablesFile = path.join(work, 'tables.json');
  await writeFile(tablesFile, JSON.stringify(fileConfig));
  h = await startApp({ apps: [TABLES_APP], env: { TABLES_CONFIG_FILE: tablesFile } });
  if (!h.databaseUrl) throw new Error('this test runs the CLI in a process of its own: it needs PostgreSQL (the embedded database is the test process\'s)');
  referralId = (await zvhReferral(h, ENSCHEDE)).referralId;
  liveRemindAt = String((await registered(h, referralId)).remind_at);
  // A replay reads only below the oldest transaction in flight on the whole server: wait until it reaches the live table.
  const replayer = new ProjectionReplayer(h.db, [referralRegisterProjection(() => fileConfig)]);
  await waitFor(async () => (await replayer.replay('table-referrals')).identical, { what: 'the replay to reach the live register', timeoutMs: 30_000 });
}, 240_000);
afterAll(async () => {
  await h?.stop();
  await build?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

function audit(args: string[], env: Record<string, string> = {}): Promise<CommandResult> {
  return runNode(build.entry('scripts/audit'), args, { cwd: work, env: { DATABASE_URL: h.databaseUrl!, SIGNAALROUTE_DATA_DIR: path.join(work, 'auditor'), ...env } });
}

const registerTables = async () => (await h.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE tablename LIKE 'table_referrals%' ORDER BY 1")).map((r) => r.tablename);

describe('npm run audit -- replay --projection table-referrals', () => {
  it('refuses (exit 2) without TABLES_CONFIG_FILE or --built-in-tables, naming both, and switches nothing in', async () => {
    const run = await audit(['replay', '--projection', 'table-referrals', '--switch']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/REPLAY\.CONFIGURATION_REQUIRED/);
    expect(run.stderr).toContain('TABLES_CONFIG_FILE');
    expect(run.stderr).toContain('--built-in-tables');
    expect(run.stderr).not.toMatch(/SWITCHED/);
    expect(await registerTables()).toEqual(['table_referrals']);
    expect(String((await registered(h, referralId)).remind_at)).toBe(liveRemindAt);
  });

  it('replays identical to the live register with the service\'s TABLES_CONFIG_FILE', async () => {
    const run = await audit(['replay', '--projection', 'table-referrals'], { TABLES_CONFIG_FILE: tablesFile });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('replay identical to the live tables') });
  });

  it('replays with the built-in tables when --built-in-tables confirms them, and reports the remind_at they change', async () => {
    const run = await audit(['replay', '--projection', 'table-referrals', '--built-in-tables']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('REPLAY DIFFERS');
    expect(run.stderr).toMatch(/remind_at: live/);
    expect(await registerTables()).toEqual(['table_referrals']);
  });

  it.each([
    ['--built-in-tables next to TABLES_CONFIG_FILE', ['--projection', 'table-referrals', '--built-in-tables'], () => ({ TABLES_CONFIG_FILE: tablesFile }), /--built-in-tables.*TABLES_CONFIG_FILE|TABLES_CONFIG_FILE.*--built-in-tables/],
    ['a blank TABLES_CONFIG_FILE', ['--projection', 'table-referrals'], () => ({ TABLES_CONFIG_FILE: '  ' }), /TABLES_CONFIG_FILE is blank/],
    ['an invalid tables configuration file', ['--projection', 'table-referrals'], () => ({ TABLES_CONFIG_FILE: path.join(work, 'auditor-broken.json') }), /TABLES\.CONFIG_INVALID|not valid JSON/],
    ['--built-in-tables for a projection that takes no tables configuration', ['--projection', 'triage-queue', '--built-in-tables'], () => ({}), /--built-in-tables applies only to --projection table-referrals/],
  ])('refuses %s (exit 2) before opening the database', async (_what, args, env, message) => {
    await writeFile(path.join(work, 'auditor-broken.json'), '{"tables": [');
    const run = await audit(['replay', ...args], { ...env(), DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('says it cannot run (exit 3) when TABLES_CONFIG_FILE cannot be read', async () => {
    const run = await audit(['replay', '--projection', 'table-referrals'], { TABLES_CONFIG_FILE: path.join(work, 'missing.json'), DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/TABLES_CONFIG_FILE .*missing\.json cannot be read/);
  });

  it('lists the projections without any configuration, and documents the choice in its usage', async () => {
    const list = await audit(['replay', '--list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('table-referrals');
    const usage = await audit(['--help']);
    expect(usage.stdout).toContain('--built-in-tables');
    expect(usage.stdout).toContain('TABLES_CONFIG_FILE');
    expect(await readdir(work)).not.toContain('auditor');
  });
});
