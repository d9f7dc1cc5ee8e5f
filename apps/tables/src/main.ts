import 'reflect-metadata';
import { serveApps } from '#platform';
import { TABLES_APP } from './tables.app.js';

/** Runs the tables app alone (microservice mode: set DATABASE_URL and KAFKA_BROKERS). WORKERS=n runs n processes sharing the port. */
try {
  const serving = await serveApps([TABLES_APP]);
  if (serving.role !== 'worker') serving.logger.info({ url: serving.url, workers: serving.config.WORKERS }, 'tables listening');
} catch (error) {
  process.stderr.write(`Signaalroute tables could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
