import { REFERRAL_TOPICS, TOPICS } from '#contracts';
import { BUILT_IN_TABLES_CONFIG } from '#domain';
import { loadTablesConfig, type AppConfig } from '#platform';
import { CASE_EVENTS_CONSUMER, CASE_EVENTS_TOPICS } from './case-events/case-events.consumer.js';
import { CASE_SHEETS_PROJECTION } from './case-events/case-sheets.projection.js';
import { DISCLOSURE_REGISTER_PROJECTION } from './disclosures/disclosure-register.projection.js';
import { LIAISON_FEED_PROJECTION } from './liaison/liaison-feed.projection.js';
import { REFERRAL_REGISTER_PROJECTION } from './referrals/referral-register.projection.js';
import { tablesSettingsFrom } from './config/tables-settings.js';
import { TABLES_MIGRATIONS } from './tables.migrations.js';
import { TablesModule } from './tables.module.js';

/**
 * What the tables app contributes to a process: its module, its tables, its topics (a configuration file
 * with other tables makes sure of its own topics at start-up), its rebuildable read models, and the check of its
 * configuration file before anything is migrated or written.
 */
export const TABLES_APP = {
  name: 'tables',
  module: TablesModule,
  migrations: TABLES_MIGRATIONS,
  topics: [TOPICS.cases, TOPICS.signals, REFERRAL_TOPICS.referrals, REFERRAL_TOPICS.liaisonEscalations, ...BUILT_IN_TABLES_CONFIG.tables.map((t) => t.topic)],
  projections: [REFERRAL_REGISTER_PROJECTION, LIAISON_FEED_PROJECTION, DISCLOSURE_REGISTER_PROJECTION, CASE_SHEETS_PROJECTION],
  inboxConsumers: [{ consumer: CASE_EVENTS_CONSUMER, topics: CASE_EVENTS_TOPICS }],
  checkConfiguration: (config: AppConfig) => void loadTablesConfig(tablesSettingsFrom(config).configFile),
} as const;
