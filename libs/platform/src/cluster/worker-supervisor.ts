import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { DEFAULT_RESTART_BACKOFF, restartDelay, type RestartBackoff } from './restart-backoff.js';

/** More unexpected worker exits than this many per worker within a minute: something is wrong; stop. */
const RESTARTS_PER_WORKER_PER_MINUTE = 3;
/**
 * Replacements in one place that died before they listened, in a row: the place cannot start again (code on disk
 * that fails, a setting that no longer holds), and the server stops so that whoever runs it restarts or fixes it.
 * With the pauses between them (1, 2, 4, 8 s) that is about 15 s after the first failure; the per-minute budget
 * above can no longer catch one such place, since the pauses keep its exits below it.
 */
const FAILED_STARTS_IN_A_ROW = 5;

/**
 * The primary of a server with several worker processes (node:cluster; they share the listening port). Forks
 * `count` workers of the running main script and resolves with the port once every one of them listens. A
 * worker that exits before that fails the start-up (its own error is on stderr); one that dies later is
 * replaced after a pause that grows while its place keeps failing (see restart-backoff.ts), unless they keep
 * dying or one place's replacements keep failing to start. SIGTERM and SIGINT end every worker gracefully, then the primary.
 */
export function superviseWorkers(count: number, logger: Logger, backoff: RestartBackoff = DEFAULT_RESTART_BACKOFF): Promise<number> {
  return new Promise((resolve, reject) => {
    const listening = new Set<number>();
    const recentExits: number[] = [];
    /** Each worker's place (0 … count-1) and when it was forked: the pause before replacing it depends on both. */
    const places = new Map<number, { place: number; forkedAt: number }>();
    /** The pause used before the current worker of each place was forked (undefined: one of the first workers). */
    const lastDelay: (number | undefined)[] = Array(count).fill(undefined);
    const pendingForks = new Set<NodeJS.Timeout>();
    /** Per place: its replacements that died before they listened, in a row. */
    const failedStarts: number[] = Array(count).fill(0);
    let started = false;
    let stopping = false;
    /** A worker died before all listened: the caller reports it and exits, not the supervisor. */
    let failedToStart = false;
    let exitCode = 0;

    const living = () => Object.values(cluster.workers ?? {}).filter((w) => w !== undefined && !w.isDead());
    /** Ends every worker; the primary exits with `code` once they are gone (unless start-up failed: the caller reports that). */
    const stopAll = (code: number) => {
      exitCode = Math.max(exitCode, code);
      if (stopping) return;
      stopping = true;
      for (const timer of pendingForks) clearTimeout(timer);
      pendingForks.clear();
      for (const worker of living()) worker!.process.kill('SIGTERM');
      if (!failedToStart && living().length === 0) process.exit(exitCode);
    };

    cluster.on('listening', (worker, address) => {
      listening.add(worker.id);
      const placed = places.get(worker.id);
      if (placed) failedStarts[placed.place] = 0;
      if (!started && listening.size === count) {
        started = true;
        resolve(address.port);
      }
    });
    const fork = (place: number) => places.set(cluster.fork().id, { place, forkedAt: Date.now() });

    cluster.on('exit', (worker, code, signal) => {
      const listened = listening.delete(worker.id);
      const placed = places.get(worker.id);
      places.delete(worker.id);
      if (stopping) {
        if (!failedToStart && living().length === 0) process.exit(exitCode);
        return;
      }
      if (!started) {
        failedToStart = true;
        stopAll(1);
        reject(new Error(`worker ${worker.process.pid} exited (${code ?? signal}) before it listened (its error is above)`));
        return;
      }
      const now = Date.now();
      recentExits.push(now);
      while (recentExits[0]! < now - 60_000) recentExits.shift();
      if (recentExits.length > count * RESTARTS_PER_WORKER_PER_MINUTE) {
        logger.error({ component: 'workers', pid: worker.process.pid, code, signal, exitsLastMinute: recentExits.length }, 'workers keep dying; stopping the server');
        stopAll(1);
        return;
      }
      const place = placed?.place ?? 0;
      failedStarts[place] = listened ? 0 : failedStarts[place]! + 1;
      if (failedStarts[place]! >= FAILED_STARTS_IN_A_ROW) {
        logger.error({ component: 'workers', pid: worker.process.pid, code, signal, failedStartsInARow: failedStarts[place] }, 'a worker cannot start again; stopping the server');
        stopAll(1);
        return;
      }
      const delay = restartDelay(lastDelay[place], now - (placed?.forkedAt ?? now), backoff);
      lastDelay[place] = delay;
      logger.error({ component: 'workers', pid: worker.process.pid, code, signal, restartInMs: delay }, 'a worker died; starting a new one');
      // Not at once: a replacement that fails while it starts (the database briefly down) would die again at
      // once, and a burst of such exits would spend the budget above and stop the workers that still serve.
      const timer = setTimeout(() => {
        pendingForks.delete(timer);
        if (!stopping) fork(place);
      }, delay);
      pendingForks.add(timer);
    });
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => stopAll(0));
    for (let i = 0; i < count; i++) fork(i);
  });
}
