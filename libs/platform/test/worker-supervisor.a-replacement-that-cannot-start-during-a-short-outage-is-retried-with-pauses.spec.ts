import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { waitFor } from '../../../test/support/app-harness.js';

/**
 * With WORKERS above 1, a worker that dies is replaced. When its replacement cannot start (say the database is
 * down for a few seconds), re-forking at once spent the restart budget in well under a second and then stopped
 * the healthy worker too. The supervisor runs here for real (node:cluster) over tiny workers that refuse to start
 * while a flag file exists, standing in for the outage.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sr-supervisor-'));
  // The supervisor and its policy, transpiled as they are (only type imports besides each other and node:cluster).
  for (const name of ['worker-supervisor', 'restart-backoff']) {
    const source = readFileSync(path.join(here, '../src/cluster', `${name}.ts`), 'utf8');
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    await writeFile(path.join(dir, `${name}.js`), js);
  }
  await writeFile(path.join(dir, 'package.json'), '{"type":"module"}');
  await writeFile(
    path.join(dir, 'server.js'),
    `import cluster from 'node:cluster';
import http from 'node:http';
import { existsSync } from 'node:fs';
import { superviseWorkers } from './worker-supervisor.js';
if (cluster.isPrimary) {
  const log = (level) => (fields, msg) => console.log(JSON.stringify({ level, ...fields, msg }));
  cluster.on('listening', (worker) => console.log('UP ' + worker.process.pid));
  const backoff = process.env.BACKOFF ? JSON.parse(process.env.BACKOFF) : undefined;
  await superviseWorkers(2, { error: log('error'), warn: log('warn'), info: log('info') }, backoff);
  console.log('SERVING');
} else if (existsSync(process.env.OUTAGE_FLAG)) {
  console.error('cannot start: the database does not answer');
  process.exit(1);
} else {
  http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1');
}
`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Server {
  child: ChildProcess;
  output: () => string;
  up: () => number[];
  exited: Promise<number | null>;
}

function startServer(outageFlag: string, backoff?: { firstDelayMs: number; maxDelayMs: number; healthyAfterMs: number }): Server {
  const env = { PATH: process.env.PATH ?? '', OUTAGE_FLAG: outageFlag, ...(backoff ? { BACKOFF: JSON.stringify(backoff) } : {}) };
  const child = spawn(process.execPath, [path.join(dir, 'server.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const up = () => [...output.matchAll(/^UP (\d+)$/gm)].map((m) => Number(m[1]));
  return { child, output: () => output, up, exited };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function stop(server: Server): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  for (const pid of server.up()) if (alive(pid)) process.kill(pid, 'SIGKILL');
}

describe('the worker supervisor', () => {
  it('survives a start-up outage of a few seconds: the replacement is retried after growing pauses, the healthy worker keeps serving', async () => {
    const flag = path.join(dir, 'outage-short');
    const server = startServer(flag);
    try {
      await waitFor(() => server.output().includes('SERVING'), { what: 'two workers listening' });
      const [victim, survivor] = server.up() as [number, number];
      await writeFile(flag, '');
      process.kill(victim, 'SIGKILL');
      // The outage lasts four seconds; every replacement started meanwhile fails at once.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await rm(flag);
      const replacement = await waitFor(() => server.up().find((pid) => pid !== victim && pid !== survivor), {
        what: 'a replacement worker listening once the outage is over',
        timeoutMs: 20_000,
      });
      expect(alive(server.child.pid!)).toBe(true);
      expect(alive(survivor)).toBe(true);
      expect(alive(replacement)).toBe(true);
      expect(server.output()).not.toContain('workers keep dying');
      // Retried, not given up on: each failed try was logged, with the pause before the next one.
      const retries = [...server.output().matchAll(/"restartInMs":(\d+)/g)].map((m) => Number(m[1]));
      expect(retries.length).toBeGreaterThanOrEqual(2);
      expect(retries.slice(0, 3)).toEqual([1_000, 2_000, 4_000].slice(0, Math.min(3, retries.length)));
    } finally {
      await stop(server);
    }
  }, 60_000);

  it('still stops the server, exit code 1, when every worker keeps failing to start (more than three exits per worker within a minute)', async () => {
    const flag = path.join(dir, 'outage-lasting');
    const server = startServer(flag);
    try {
      await waitFor(() => server.output().includes('SERVING'), { what: 'two workers listening' });
      await writeFile(flag, '');
      for (const pid of server.up()) process.kill(pid, 'SIGKILL');
      expect(await server.exited).toBe(1);
      expect(server.output()).toContain('workers keep dying; stopping the server');
      expect(server.output()).toMatch(/"exitsLastMinute":7\b/);
    } finally {
      await stop(server);
    }
  }, 60_000);

  it("stops the server, exit code 1, when one place's replacements keep failing to start (five in a row), though the other worker serves", async () => {
    const flag = path.join(dir, 'outage-for-good');
    // Short pauses, so five failed starts take a second, not fifteen; the rule does not depend on their length.
    const server = startServer(flag, { firstDelayMs: 50, maxDelayMs: 400, healthyAfterMs: 60_000 });
    try {
      await waitFor(() => server.output().includes('SERVING'), { what: 'two workers listening' });
      const [victim, survivor] = server.up() as [number, number];
      await writeFile(flag, '');
      process.kill(victim, 'SIGKILL');
      expect(await server.exited).toBe(1);
      expect(server.output()).toContain('a worker cannot start again; stopping the server');
      expect(server.output()).toMatch(/"failedStartsInARow":5\b/);
      expect(server.output()).not.toContain('workers keep dying');
      expect(alive(survivor)).toBe(false);
    } finally {
      await stop(server);
    }
  }, 60_000);
});
