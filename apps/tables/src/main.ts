import 'reflect-metadata';
import { startProcess } from '#platform';
import { TABLES_APP } from './tables.app.js';

/** Runs the tables app alone (microservice mode: set DATABASE_URL and KAFKA_BROKERS). */
const running = await startProcess([TABLES_APP]);
running.logger.info({ url: running.url }, 'tables listening');
