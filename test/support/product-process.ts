import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
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

/** The files a build compiles from (tsconfig.build.json's include) and the settings it compiles with. */
async function buildInputs(): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string, inSrc: boolean): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === 'node_modules' || entry.name === 'test' || entry.name === 'dist') continue;
        await walk(full, inSrc || entry.name === 'src');
      } else if (inSrc && entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) files.push(full);
    }
  };
  for (const top of ['apps', 'libs']) await walk(path.join(repoRoot, top), false);
  for (const top of ['scripts', 'bench']) await walk(path.join(repoRoot, top), true);
  return [...files.sort(), ...['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => path.join(repoRoot, f))];
}

/**
 * A digest of what a build is made from: the same sources give the same build, so it is made once per change. The
 * checkout's own folder counts too: a build links to that checkout's node_modules, which another checkout of the same
 * sources (a fresh clone for CI) may delete.
 */
async function buildFingerprint(): Promise<string> {
  const hash = createHash('sha256').update(repoRoot).update('\0');
  for (const file of await buildInputs()) hash.update(path.relative(repoRoot, file)).update('\0').update(await readFile(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** Where finished builds are kept, one folder per fingerprint, marked complete by a `ready` file. */
const CACHE_PREFIX = 'sr-build-cache-';
const ready = (root: string) => path.join(root, 'ready');
/** Builds of other sources are dropped once they are this old (a test run in another checkout may still use a young one). */
const STALE_BUILD_MS = 6 * 3_600_000;

/**
 * Compiles apps and libs (tsconfig.build.json) into a temp folder. `--noCheck`: type errors are the
 * type-check's business, and a half-edited file elsewhere in the repository must not stop this test.
 * A build of the same sources is reused: the dozen test files that run the product as a process shared one
 * compilation instead of each making its own (a minute each when the full suite loads both cores). Tests only read
 * the build, so `remove` leaves a shared one in place.
 */
export async function buildProduct(): Promise<ProductBuild> {
  const cached = path.join(tmpdir(), `${CACHE_PREFIX}${await buildFingerprint()}`);
  const shared = (): ProductBuild => ({ root: cached, entry: (p) => path.join(cached, 'dist', `${p}.js`), remove: async () => undefined });
  if (existsSync(ready(cached))) return shared();
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
    await writeFile(ready(root), '');
  } catch (error) {
    await remove();
    throw error;
  }
  try {
    // Published whole, by one rename; a test file that built the same sources at the same moment keeps its own.
    await rename(root, cached);
  } catch {
    if (!existsSync(ready(cached))) return { root, entry: (p) => path.join(root, 'dist', `${p}.js`), remove };
    await remove();
  }
  await dropStaleBuilds(cached);
  return shared();
}

/** Drops other sources' builds older than {@link STALE_BUILD_MS}; best effort. */
async function dropStaleBuilds(keep: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(tmpdir()).catch(() => [] as string[])) {
    const folder = path.join(tmpdir(), name);
    if (!name.startsWith(CACHE_PREFIX) || folder === keep) continue;
    const age = await stat(folder).then((s) => now - s.mtimeMs, () => 0);
    if (age > STALE_BUILD_MS) await rm(folder, { recursive: true, force: true }).catch(() => undefined);
  }
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
