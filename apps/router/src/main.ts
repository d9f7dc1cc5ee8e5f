import 'reflect-metadata';
import { runMain } from '#platform';
import { ROUTER_APP } from './router.app.js';

/** Runs the router app alone (microservice mode: set DATABASE_URL and KAFKA_BROKERS). WORKERS=n runs n processes sharing the port. */
await runMain('Signaalroute router', [ROUTER_APP]);
