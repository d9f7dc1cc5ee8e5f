import { TOPICS } from '#contracts';
import { INTAKE_MIGRATIONS } from './intake.migrations.js';
import { IntakeModule } from './intake.module.js';
import { INBOUND_DEAD_LETTERS_CONSUMER, INBOUND_TOPICS } from './signals/inbound-signal.consumer.js';
import { INTAKE_REQUEST_KEYS } from './signals/receive-signal.handler.js';
import { TRIAGE_QUEUE_CONSUMER, TRIAGE_QUEUE_PROJECTION, TRIAGE_QUEUE_TOPICS } from './triage-queue/triage-queue.projection.js';

/** What the intake app contributes to a process: its module, its tables, its topics and its rebuildable read models. */
export const INTAKE_APP = {
  name: 'intake',
  module: IntakeModule,
  migrations: INTAKE_MIGRATIONS,
  topics: [TOPICS.signals, TOPICS.cases, ...INBOUND_TOPICS],
  projections: [TRIAGE_QUEUE_PROJECTION],
  inboxConsumers: [
    { consumer: TRIAGE_QUEUE_CONSUMER, topics: TRIAGE_QUEUE_TOPICS },
    { consumer: INBOUND_DEAD_LETTERS_CONSUMER, topics: INBOUND_TOPICS },
  ],
  requestKeyTables: [INTAKE_REQUEST_KEYS],
} as const;
