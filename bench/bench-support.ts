import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** Shared plumbing for benchmarks: a fresh database, the product as a child process, machine facts. */
export const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

export async function freshDatabase(prefix = 'sr_bench'): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/**
 * The Node flags the npm script that runs `entry` gives it (`node <flags> <entry>` in package.json), so a bench
 * runs each process as it is deployed.
 */
function nodeFlagsFor(entry: string): string[] {
  const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  for (const command of Object.values(scripts)) {
    const match = /(?:^|&& )node ((?:--\S+ )*)(\S+)$/.exec(command);
    if (match?.[2] === entry) return match[1]!.trim().split(' ').filter(Boolean);
  }
  throw new Error(`no npm script in package.json runs ${entry}`);
}

/**
 * Makes this bench process run under the Node flags the npm script of `entry` gives it, so code that
 * the bench runs in-process is measured as users run it: without them, runs the bench again with them
 * (same arguments, output passed through) and exits with its exit code; with them, returns.
 */
export function runWithNodeFlagsOf(entry: string): void {
  const flags = nodeFlagsFor(entry);
  if (flags.every((flag) => process.execArgv.includes(flag))) return;
  const run = spawnSync(process.execPath, [...process.execArgv, ...flags, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

/**
 * Starts the compiled product (`npm run build` first) and resolves when /health/ready answers 200. `entry`
 * picks the process: all apps (default) or one app, as deployed in microservice mode; `extraNodeArgs` go after
 * the start script's Node flags (e.g. `--cpu-prof`).
 */
export async function startProduct(
  env: Record<string, string>,
  entry = 'dist/apps/signaalroute/src/main.js',
  extraNodeArgs: readonly string[] = [],
): Promise<{ url: string; dataDir: string; topicPrefix: string; child: ChildProcess; stop: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sr-bench-'));
  const port = String(await freePort());
  const topicPrefix = env.KAFKA_TOPIC_PREFIX ?? `bench-${port}.`;
  // Node flags as the npm scripts run the product (see the README's decisions).
  const child = spawn(process.execPath, [...nodeFlagsFor(entry), ...extraNodeArgs, entry], {
    // Topics of its own: the run neither replays earlier runs' history nor disturbs anything else on the broker.
    env: { ...process.env, LOG_LEVEL: 'warn', PORT: port, HOST: '127.0.0.1', SIGNAALROUTE_DATA_DIR: dataDir, KAFKA_TOPIC_PREFIX: topicPrefix, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${entry} exited (${child.exitCode ?? child.signalCode}) before it was ready; its error is above`);
    if (Date.now() > deadline) throw new Error(`${entry} was not ready within 60 s`);
    try {
      const r = await fetch(`${url}/health/ready`);
      if (r.ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dataDir,
    topicPrefix,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A port nothing listens on right now (the OS picks it; a random one could be a client socket's port). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * CPU time the whole machine spent (user + system + irq, all cores) since boot, in milliseconds, from
 * /proc/stat; null where there is none. Two readings around a phase give its CPU cost, which varies far
 * less between runs on a shared VM than a throughput figure does (everything on the box is counted: the
 * product, PostgreSQL, Kafka and the load generator alike).
 */
export function machineCpuMs(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number);
    const ticks = user! + nice! + system! + irq! + softirq!;
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/**
 * Waits until the machine is quiet — under `busyShare` of all cores busy over half a second — so a phase does not
 * start while the previous one's work (relay backlog, consumers catching up) still runs. Resolves with the
 * milliseconds waited; gives up after `maxMs` (and says so on stderr).
 */
export async function settle(busyShare = 0.25, maxMs = 30_000): Promise<number> {
  const started = Date.now();
  const cores = cpus().length;
  for (;;) {
    const before = machineCpuMs();
    await new Promise((r) => setTimeout(r, 500));
    const after = machineCpuMs();
    if (before === null || after === null) return Date.now() - started;
    if ((after - before) / (500 * cores) < busyShare) return Date.now() - started;
    if (Date.now() - started > maxMs) {
      process.stderr.write(`the machine did not quieten within ${maxMs} ms; going on\n`);
      return Date.now() - started;
    }
  }
}

/** Machine CPU in µs per unit of work (`count` requests, flows…), or null when unknown or nothing was done. */
export function microsPer(cpuMs: number | null, count: number): number | null {
  return cpuMs === null || count === 0 ? null : Math.round((cpuMs * 1000) / count);
}

/**
 * Runs `phase` and returns its result with the machine's CPU milliseconds spent meanwhile (null when unknown),
 * and of that the bench process's own (the load generator runs in it, on the same cores as the product).
 */
export async function withMachineCpu<T>(phase: () => Promise<T>): Promise<{ result: T; cpuMs: number | null; benchCpuMs: number }> {
  const before = machineCpuMs();
  const own = process.cpuUsage();
  const result = await phase();
  const after = machineCpuMs();
  const used = process.cpuUsage(own);
  return { result, cpuMs: before === null || after === null ? null : after - before, benchCpuMs: (used.user + used.system) / 1000 };
}

/**
 * CPU milliseconds (user + system, all threads) spent so far by each kind of process on the machine, from
 * /proc/<pid>/stat: the product processes given (`name → pid`), PostgreSQL (every `postgres` process),
 * the Kafka broker (the `java` process running kafka) and this bench itself. Two readings around a phase
 * show where its CPU went; a process that started or ended in between counts from zero or not at all.
 */
export function cpuByProcess(product: Record<string, number | undefined>): Record<string, number> {
  /** CPU of a process; with `reaped`, also of its children that have exited (utime + stime + cutime + cstime). */
  const ms = (pid: number | string, reaped = false): number => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0);
      return (ticks * 1000) / 100;
    } catch {
      return 0;
    }
  };
  const out: Record<string, number> = { postgresql: 0, kafka: 0, bench: ms(process.pid) };
  for (const [name, pid] of Object.entries(product)) out[name] = pid === undefined ? 0 : ms(pid);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    // A backend that exits (a pool closing an idle connection) leaves its CPU in the postmaster's cutime.
    if (cmd.startsWith('postgres') || cmd.includes('/bin/postgres\0')) out.postgresql! += ms(entry, true);
    else if (cmd.startsWith('java\0') || cmd.includes('/java\0')) {
      if (cmd.includes('kafka')) out.kafka! += ms(entry);
    }
  }
  return out;
}

/** `after − before` per process kind in CPU milliseconds per unit of work, largest first. */
function cpuPerUnit(before: Record<string, number>, after: Record<string, number>, count: number): (readonly [string, number])[] {
  return Object.keys(after)
    .map((name) => [name, (after[name]! - (before[name] ?? 0)) / Math.max(1, count)] as const)
    .sort((a, b) => b[1] - a[1]);
}

/** {@link cpuPerUnit} as "name 12.3 ms, …". */
export function cpuSplit(before: Record<string, number>, after: Record<string, number>, count: number): string {
  return cpuPerUnit(before, after, count)
    .map(([name, perUnit]) => `${name} ${perUnit.toFixed(1)} ms`)
    .join(', ');
}

/** {@link cpuPerUnit} in whole µs per unit of work (a request), for the JSON results. */
export function cpuSplitMicros(before: Record<string, number>, after: Record<string, number>, count: number): Record<string, number> {
  return Object.fromEntries(cpuPerUnit(before, after, count).map(([name, perUnit]) => [name, Math.round(perUnit * 1000)]));
}
