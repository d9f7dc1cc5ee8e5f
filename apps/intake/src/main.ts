import 'reflect-metadata';
import { serveApps } from '#platform';
import { INTAKE_APP } from './intake.app.js';

/** Runs the intake app alone (microservice mode: set DATABASE_URL and KAFKA_BROKERS). WORKERS=n runs n processes sharing the port. */
try {
  const serving = await serveApps([INTAKE_APP]);
  if (serving.role !== 'worker') serving.logger.info({ url: serving.url, workers: serving.config.WORKERS }, 'intake listening');
} catch (error) {
  process.stderr.write(`Signaalroute intake could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
