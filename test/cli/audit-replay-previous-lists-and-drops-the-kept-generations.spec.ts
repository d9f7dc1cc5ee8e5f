import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionReplayer } from '#eventstore';
import { DISCLOSURE_REGISTER_PROJECTION } from '../../apps/tables/src/disclosures/disclosure-register.projection.js';
import { TABLES_APP } from '../../apps/tables/test/support/tables-fixtures.js';
import { startApp, type AppHarness } from '../support/app-harness.js';
import { buildProduct, type ProductBuild } from '../support/product-process.js';
import { runNode, type CommandResult } from '../support/run-node.js';

/**
 * `npm run audit -- replay --projection <name> --previous` lists the former live tables a switch kept, and
 * `--drop-previous [--keep <n>]` drops them but the newest <n>. Flags that do not go together (a replay's own
 * flags, --keep without --drop-previous, both actions, --keep with --switch), a flag given twice and a number that is
 * not decimal digits are refused with exit 2 before anything is touched. Before, `--projection triage-queue
 * --projection table-disclosures --switch` (or `--drop-previous`) acted on table-disclosures, the last one named,
 * `--switch --keep` ignored --keep and `--batch 0x100` was read as 256. The CLI
 * runs as `npm run audit` runs it: compiled, in a process of its own, against the service's PostgreSQL database.
 */

let build: ProductBuild;
let h: AppHarness;
let work: string;
const tags: string[] = [];

beforeAll(async () => {
  build = await buildProduct();
  work = await mkdtemp(path.join(tmpdir(), 'sr-audit-previous-'));
  h = await startApp({ apps: [TABLES_APP] });
  if (!h.databaseUrl) throw new Error('this test runs the CLI in a process of its own: it needs PostgreSQL (the embedded database is the test process\'s)');
  const replayer = new ProjectionReplayer(h.db, [DISCLOSURE_REGISTER_PROJECTION]);
  for (let i = 0; i < 2; i++) {
    const report = await replayer.replay(DISCLOSURE_REGISTER_PROJECTION.name, { switch: true });
    tags.push(report.switched!.previousTables.table_disclosures!.replace('table_disclosures_previous_', ''));
  }
}, 240_000);
afterAll(async () => {
  await h?.stop();
  await build?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

function audit(args: string[]): Promise<CommandResult> {
  return runNode(build.entry('scripts/audit'), args, { cwd: work, env: { DATABASE_URL: h.databaseUrl!, SIGNAALROUTE_DATA_DIR: path.join(work, 'auditor') } });
}

const registerTables = async () => (await h.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'table\\_disclosures%' ORDER BY 1")).map((r) => r.tablename);
const projection = ['replay', '--projection', DISCLOSURE_REGISTER_PROJECTION.name];

describe('npm run audit -- replay --previous / --drop-previous', () => {
  it('refuses flags that do not go together with exit 2, touching nothing', async () => {
    const before = await registerTables();
    const refusals: string[][] = [
      [...projection, '--previous', '--drop-previous'],
      [...projection, '--previous', '--keep', '1'],
      [...projection, '--drop-previous', '--switch'],
      [...projection, '--previous', '--list'],
      [...projection, '--drop-previous', '--keep'],
      [...projection, '--drop-previous', '--keep', '-1'],
      [...projection, '--drop-previous', '--keep', 'all'],
      [...projection, '--drop-previous', '--keep', '1001'],
      ['replay', '--drop-previous'],
      ['replay', '--projection', 'no-such-projection', '--previous'],
      ['replay', '--projection', 'triage-queue', ...projection.slice(1), '--drop-previous'],
      ['replay', '--projection', 'triage-queue', ...projection.slice(1), '--switch'],
      [...projection, '--drop-previous', '--keep', '0', '--keep', '1'],
      [...projection, '--drop-previous', '--keep', '0x1'],
      [...projection, '--switch', '--keep'],
      [...projection, '--switch', '--batch', '0x100'],
      [...projection, '--switch', '--max-differences', '1e2'],
      [...projection, '--switch', '--switch'],
      ['replay', '--list', ...projection.slice(1)],
    ];
    // Four processes at a time: each is a node start-up, and the full suite loads both cores.
    for (let i = 0; i < refusals.length; i += 4) {
      const runs = await Promise.all(refusals.slice(i, i + 4).map(async (args) => ({ args, run: await audit(args) })));
      for (const { args, run } of runs) {
        expect({ args, code: run.code }).toEqual({ args, code: 2 });
        expect(run.stderr).toMatch(/Usage:/);
      }
    }
    expect(await registerTables()).toEqual(before);
  }, 300_000);

  it('lists the kept generations newest first', async () => {
    const run = await audit([...projection, '--previous', '--json']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('2 kept generation(s) of table-disclosures') });
    expect((JSON.parse(run.stdout) as { tag: string; complete: boolean }[]).map((g) => ({ tag: g.tag, complete: g.complete }))).toEqual([
      { tag: tags[1], complete: true },
      { tag: tags[0], complete: true },
    ]);
  });

  it('drops all but the newest with --keep 1, then the rest, leaving the live register', async () => {
    const kept = await audit([...projection, '--drop-previous', '--keep', '1', '--json']);
    expect(kept.code).toBe(0);
    expect(JSON.parse(kept.stdout)).toMatchObject({ dropped: [{ tag: tags[0] }], kept: [{ tag: tags[1] }] });
    expect(await registerTables()).toEqual(['table_disclosures', `table_disclosures_previous_${tags[1]}`]);
    const all = await audit([...projection, '--drop-previous']);
    expect({ code: all.code, stderr: all.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('dropped 1 generation(s) of table-disclosures, kept 0') });
    expect(await registerTables()).toEqual(['table_disclosures']);
  });
});
