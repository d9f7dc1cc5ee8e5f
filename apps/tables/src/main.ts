import 'reflect-metadata';
import { runMain } from '#platform';
import { TABLES_APP } from './tables.app.js';

/** Runs the tables app alone (microservice mode: set DATABASE_URL and KAFKA_BROKERS). WORKERS=n runs n processes sharing the port. */
await runMain('Signaalroute tables', [TABLES_APP]);
