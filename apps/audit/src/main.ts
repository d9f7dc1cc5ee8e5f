import 'reflect-metadata';
import { startProcess } from '#platform';
import { AUDIT_APP } from './audit.app.js';

/** Runs the audit app alone (set DATABASE_URL to the event store's database). */
const running = await startProcess([AUDIT_APP]);
running.logger.info({ url: running.url }, 'audit listening');
