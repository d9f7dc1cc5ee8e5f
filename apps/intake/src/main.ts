import 'reflect-metadata';
import { runMain } from '#platform';
import { INTAKE_APP } from './intake.app.js';

/** Runs the intake app alone (microservice mode: set DATABASE_URL and KAFKA_BROKERS). WORKERS=n runs n processes sharing the port. */
await runMain('Signaalroute intake', [INTAKE_APP]);
