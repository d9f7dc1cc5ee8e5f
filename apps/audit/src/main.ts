import 'reflect-metadata';
import { runMain } from '#platform';
import { AUDIT_APP } from './audit.app.js';

/** Runs the audit app alone (set DATABASE_URL to the event store's database). WORKERS=n runs n processes sharing the port. */
await runMain('Signaalroute audit', [AUDIT_APP]);
