import { REFERRAL_TOPICS, TOPICS } from '#contracts';
import { BUILT_IN_TABLES_CONFIG } from '#domain';
import { TABLES_MIGRATIONS } from './tables.migrations.js';
import { TablesModule } from './tables.module.js';

/**
 * What the tables app contributes to a process: its module, its tables and its topics (a configuration
 * file with other tables makes sure of its own topics at start-up).
 */
export const TABLES_APP = {
  name: 'tables',
  module: TablesModule,
  migrations: TABLES_MIGRATIONS,
  topics: [TOPICS.cases, TOPICS.signals, REFERRAL_TOPICS.referrals, REFERRAL_TOPICS.liaisonEscalations, ...BUILT_IN_TABLES_CONFIG.tables.map((t) => t.topic)],
} as const;
