import { TOPICS } from '#contracts';
import { INTAKE_MIGRATIONS } from './intake.migrations.js';
import { IntakeModule } from './intake.module.js';
import { INBOUND_TOPICS } from './signals/inbound-signal.consumer.js';

/** What the intake app contributes to a process: its module, its tables and its topics. */
export const INTAKE_APP = {
  name: 'intake',
  module: IntakeModule,
  migrations: INTAKE_MIGRATIONS,
  topics: [TOPICS.signals, TOPICS.cases, ...INBOUND_TOPICS],
} as const;
