import 'reflect-metadata';
import { runMain } from '#platform';
import { securityOptionsFromEnv } from '#security';
import { ALL_APPS } from './all-apps.js';
import { tokenHint } from './token-hint.js';

/**
 * `npm start`: every app in one process. Without DATABASE_URL and KAFKA_BROKERS it runs on the embedded
 * default (PGlite in SIGNAALROUTE_DATA_DIR, in-process transport); with them, on PostgreSQL and Kafka, where
 * WORKERS=n runs n processes sharing the port.
 */
await runMain('Signaalroute', ALL_APPS, ({ config, url }) => {
  const mode = `${config.DATABASE_URL ? 'PostgreSQL' : `embedded PGlite (${config.SIGNAALROUTE_DATA_DIR})`} + ${config.KAFKA_BROKERS ? 'Kafka' : 'in-process transport'}`;
  // The security options were read and checked by the start-up (startProcess), so reading them again cannot throw
  // here; the data folder is the configuration's (trimmed), as startProcess gives it to the security module.
  process.stdout.write(
    [
      '',
      `Signaalroute is running on ${mode}${config.WORKERS > 1 ? ` in ${config.WORKERS} worker processes` : ''}`,
      `  API:      ${url}/v1`,
      `  API docs: ${url}/docs   (OpenAPI: ${url}/openapi.json)`,
      `  Token:    ${tokenHint({ ...securityOptionsFromEnv(process.env), dataDir: config.SIGNAALROUTE_DATA_DIR })}`,
      '',
    ].join('\n') + '\n',
  );
});
