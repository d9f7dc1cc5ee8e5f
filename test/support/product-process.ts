import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The product as a real operating-system process, for tests that kill it (SIGKILL) and start it again.
 * Jest cannot spawn its own TypeScript sources, so `buildProduct` compiles them once (`tsc`, emit only)
 * into a temp folder with the project's package.json (for the `#lib` imports) and a link to
 * node_modules. The repository's own `dist/` is left alone.
 */

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export interface ProductBuild {
  /** Folder holding package.json, node_modules (link) and dist/. */
  root: string;
  /** Absolute path of a compiled entry point, e.g. `entry('apps/intake/src/main')`. */
  entry(sourcePathWithoutExtension: string): string;
  remove(): Promise<void>;
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/**
 * Compiles apps and libs (tsconfig.build.json) into a temp folder. `--noCheck`: type errors are the
 * type-check's business, and a half-edited file elsewhere in the repository must not stop this test.
 */
export async function buildProduct(): Promise<ProductBuild> {
  const root = path.join(tmpdir(), `sr-build-${randomBytes(5).toString('hex')}`);
  await mkdir(root, { recursive: true });
  const remove = () => rm(root, { recursive: true, force: true });
  try {
    const tsc = path.join(repoRoot, 'node_modules/typescript/bin/tsc');
    const { code, output } = await run(process.execPath, [tsc, '-p', path.join(repoRoot, 'tsconfig.build.json'), '--outDir', path.join(root, 'dist'), '--noCheck', '--sourceMap', 'false', '--incremental', 'false'], repoRoot);
    if (code !== 0) throw new Error(`tsc failed (${code}):\n${output}`);
    const pkg = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { type: string; imports: unknown };
    await writeFile(path.join(root, 'package.json'), JSON.stringify({ name: 'signaalroute-test-build', private: true, type: pkg.type, imports: pkg.imports }));
    await symlink(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  } catch (error) {
    await remove();
    throw error;
  }
  return { root, entry: (p) => path.join(root, 'dist', `${p}.js`), remove };
}

export interface ProductProcess {
  readonly child: ChildProcess;
  /** Base URL, from the process' "listening" log line. */
  readonly url: string;
  /** Everything the process wrote so far (for failure messages). */
  output(): string;
  /** Resolves with the exit code / signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `node <entry>` with exactly `env` (plus PATH), LOG_LEVEL at least info, and waits for the JSON log
 * line that carries the listening URL (`{"url": ...}`), or the all-in-one app's banner line (`API: <url>/v1`).
 */
export async function startProductProcess(entry: string, env: Record<string, string>, options: { readyTimeoutMs?: number } = {}): Promise<ProductProcess> {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    let pending = '';
    const timer = setTimeout(() => reject(new Error(`process did not report listening within ${options.readyTimeoutMs ?? 60_000} ms:\n${output.slice(-4000)}`)), options.readyTimeoutMs ?? 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      const text = d.toString();
      output += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        // The all-in-one app (apps/signaalroute) announces itself with a banner instead: `  API:      <url>/v1`.
        const banner = /^\s*API:\s+(http:\/\/\S+)\/v1\s*$/.exec(line);
        if (banner) {
          clearTimeout(timer);
          resolve(banner[1]!);
        }
        try {
          const entryLine = JSON.parse(line) as { url?: unknown };
          if (typeof entryLine.url === 'string') {
            clearTimeout(timer);
            resolve(entryLine.url);
          }
        } catch {
          // not a JSON log line
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`process exited (${code ?? signal}) before listening:\n${output.slice(-4000)}`));
    });
  });
  return {
    child,
    url,
    output: () => output,
    exited,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
