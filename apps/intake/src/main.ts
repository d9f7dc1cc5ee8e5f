import 'reflect-metadata';
import { startProcess } from '#platform';
import { INTAKE_APP } from './intake.app.js';

/** Runs the intake app alone (microservice mode: set DATABASE_URL and KAFKA_BROKERS). */
const running = await startProcess([INTAKE_APP]);
running.logger.info({ url: running.url }, 'intake listening');
