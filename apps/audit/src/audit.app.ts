import { AuditModule } from './audit.module.js';

/**
 * What the audit app contributes to a process: its module. Its tables (the checkpoint chain) are part of
 * the event store's migrations and the processing log is the platform's, so it brings no migrations of its
 * own; it publishes and consumes no topics.
 */
export const AUDIT_APP = {
  name: 'audit',
  module: AuditModule,
  migrations: [] as Function[],
  topics: [] as string[],
} as const;
