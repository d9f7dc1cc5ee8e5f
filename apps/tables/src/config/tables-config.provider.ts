import type { Provider } from '@nestjs/common';
import { REFERRAL_TOPICS } from '#contracts';
import type { TablesConfig } from '#domain';
import { MESSAGE_TRANSPORT, type MessageTransport } from '#messaging';
import { APP_CONFIG, loadTablesConfig, type AppConfig } from '#platform';
import { TABLES_SETTINGS, tablesSettingsFrom, type TablesSettings } from './tables-settings.js';

/** Injection token of the validated tables configuration. */
export const TABLES_CONFIG = Symbol('TABLES_CONFIG');

export const TABLES_CONFIG_PROVIDERS: Provider[] = [
  { provide: TABLES_SETTINGS, useFactory: (config: AppConfig) => tablesSettingsFrom(config), inject: [APP_CONFIG] },
  {
    provide: TABLES_CONFIG,
    // The tables' topics may differ from the built-in ones when a file is used: make sure they exist.
    useFactory: async (settings: TablesSettings, transport: MessageTransport, app: AppConfig) => {
      const config = loadTablesConfig(settings.configFile);
      const topics = [...new Set([...config.tables.map((t) => t.topic), REFERRAL_TOPICS.referrals, REFERRAL_TOPICS.liaisonEscalations])];
      await transport.ensureTopics(topics.map((topic) => ({ topic, partitions: app.TOPIC_PARTITIONS })));
      return config;
    },
    inject: [TABLES_SETTINGS, MESSAGE_TRANSPORT, APP_CONFIG],
  },
];
