import 'reflect-metadata';
import { startProcess } from '#platform';
import { ROUTER_APP } from './router.app.js';

/** Runs the router app alone (microservice mode: set DATABASE_URL and KAFKA_BROKERS). */
try {
  const running = await startProcess([ROUTER_APP]);
  running.logger.info({ url: running.url }, 'router listening');
} catch (error) {
  process.stderr.write(`Signaalroute router could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
