import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import { buildProduct, type ProductBuild } from './product-process.js';
import { runNode, type CommandResult } from './run-node.js';

/** The token CLI of a compiled product, with a data folder of its own per test and a scratch folder for files. */
export interface TokenCli {
  /** Runs `npm run token -- <args>` as npm runs it: compiled, in a process of its own, on this test's data folder. */
  token(args: string[], env?: Record<string, string>): Promise<CommandResult>;
  /** This test's data folder (empty at its start: a refused request must leave it so). */
  readonly dataDir: string;
  /** A scratch folder for the files a test hands the CLI (a tables configuration), kept for the whole file. */
  readonly work: string;
}

/** Registers the Jest hooks that build the product once per file and give each test a fresh data folder. */
export function tokenCliSandbox(name: string): TokenCli {
  let build: ProductBuild;
  let dataDir = '';
  let work = '';
  beforeAll(async () => {
    build = await buildProduct();
    work = await mkdtemp(path.join(tmpdir(), `sr-token-${name}-`));
  }, 180_000);
  afterAll(async () => {
    await build?.remove();
    if (work) await rm(work, { recursive: true, force: true });
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'sr-token-cli-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });
  return {
    token: (args, env = {}) => runNode(build.entry('scripts/token'), args, { env: { SIGNAALROUTE_DATA_DIR: dataDir, ...env } }),
    get dataDir() {
      return dataDir;
    },
    get work() {
      return work;
    },
  };
}
