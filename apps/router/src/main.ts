import 'reflect-metadata';
import { serveApps } from '#platform';
import { ROUTER_APP } from './router.app.js';

/** Runs the router app alone (microservice mode: set DATABASE_URL and KAFKA_BROKERS). WORKERS=n runs n processes sharing the port. */
try {
  const serving = await serveApps([ROUTER_APP]);
  if (serving.role !== 'worker') serving.logger.info({ url: serving.url, workers: serving.config.WORKERS }, 'router listening');
} catch (error) {
  process.stderr.write(`Signaalroute router could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
