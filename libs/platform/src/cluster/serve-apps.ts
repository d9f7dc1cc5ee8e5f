import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { startProcess, type AppDescriptor } from '../bootstrap.js';
import { loadConfig, type AppConfig } from '../config/app.config.js';
import { announcedBaseUrl } from '../http/announced-base-url.js';
import { createLogger } from '../logging/logger.js';
import { answerClusterMetricsRequests } from '../metrics/cluster-metrics.js';
import { superviseWorkers } from './worker-supervisor.js';

export interface ServingProcess {
  /** `single`: the apps run here; `primary`: WORKERS processes run them; `worker`: one of those. */
  role: 'single' | 'primary' | 'worker';
  url: string;
  config: AppConfig;
  logger: Logger;
}

/**
 * A `main`: runs `apps` in this process, or — with `WORKERS` above 1 — in that many worker processes that
 * share the port (node:cluster), so one host's cores all serve. Resolves once everything listens. Workers need
 * PostgreSQL and Kafka (the configuration refuses WORKERS above 1 without them): the embedded database and
 * the in-process transport belong to one process.
 */
export async function serveApps(apps: readonly AppDescriptor[]): Promise<ServingProcess> {
  const config = loadConfig(process.env);
  if (config.WORKERS === 1 || cluster.isWorker) {
    const running = await startProcess(apps);
    return { role: cluster.isWorker ? 'worker' : 'single', url: running.url!, config, logger: running.logger };
  }
  const logger = createLogger(config.LOG_LEVEL, { apps: apps.map((a) => a.name).join(','), role: 'primary' });
  answerClusterMetricsRequests();
  const port = await superviseWorkers(config.WORKERS, logger);
  return { role: 'primary', url: announcedBaseUrl(config.HOST, port), config, logger };
}

/**
 * The whole of an app's `main`: serves `apps`, then announces it once (the primary or the single process, not
 * every worker; by default a log line with the URL), or prints why it could not start and exits with 1.
 */
export async function runMain(label: string, apps: readonly AppDescriptor[], announce?: (serving: ServingProcess) => void): Promise<void> {
  try {
    const serving = await serveApps(apps);
    if (serving.role === 'worker') return;
    if (announce) announce(serving);
    else serving.logger.info({ url: serving.url, workers: serving.config.WORKERS }, `${label} listening`);
  } catch (error) {
    process.stderr.write(`${label} could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
