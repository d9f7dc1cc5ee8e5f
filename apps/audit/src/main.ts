import 'reflect-metadata';
import { serveApps } from '#platform';
import { AUDIT_APP } from './audit.app.js';

/** Runs the audit app alone (set DATABASE_URL to the event store's database). WORKERS=n runs n processes sharing the port. */
try {
  const serving = await serveApps([AUDIT_APP]);
  if (serving.role !== 'worker') serving.logger.info({ url: serving.url, workers: serving.config.WORKERS }, 'audit listening');
} catch (error) {
  process.stderr.write(`Signaalroute audit could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
