import { readFileSync } from 'node:fs';
import type { Provider } from '@nestjs/common';
import { REFERRAL_TOPICS } from '#contracts';
import { assertValidTablesConfig, BUILT_IN_TABLES_CONFIG, type TablesConfig } from '#domain';
import { MESSAGE_TRANSPORT, type MessageTransport } from '#messaging';
import { APP_CONFIG, type AppConfig } from '#platform';
import { TABLES_SETTINGS, tablesSettingsFrom, type TablesSettings } from './tables-settings.js';

/** Injection token of the validated tables configuration. */
export const TABLES_CONFIG = Symbol('TABLES_CONFIG');

/**
 * The tables configuration: the file named by `TABLES_CONFIG_FILE`, else the built-in one. It is validated
 * before anything runs, so a profile naming an unknown field stops the start-up with a message naming it.
 */
export function loadTablesConfig(settings: TablesSettings): TablesConfig {
  let config: TablesConfig = BUILT_IN_TABLES_CONFIG;
  if (settings.configFile) {
    let text: string;
    try {
      text = readFileSync(settings.configFile, 'utf8');
    } catch (error) {
      throw new Error(`TABLES_CONFIG_FILE ${settings.configFile} cannot be read: ${(error as Error).message}`);
    }
    try {
      config = JSON.parse(text) as TablesConfig;
    } catch {
      throw new Error(`TABLES_CONFIG_FILE ${settings.configFile} is not valid JSON`);
    }
  }
  assertValidTablesConfig(config);
  return config;
}

export const TABLES_CONFIG_PROVIDERS: Provider[] = [
  { provide: TABLES_SETTINGS, useFactory: (config: AppConfig) => tablesSettingsFrom(config), inject: [APP_CONFIG] },
  {
    provide: TABLES_CONFIG,
    // The tables' topics may differ from the built-in ones when a file is used: make sure they exist.
    useFactory: async (settings: TablesSettings, transport: MessageTransport, app: AppConfig) => {
      const config = loadTablesConfig(settings);
      const topics = [...new Set([...config.tables.map((t) => t.topic), REFERRAL_TOPICS.referrals, REFERRAL_TOPICS.liaisonEscalations])];
      await transport.ensureTopics(topics.map((topic) => ({ topic, partitions: app.TOPIC_PARTITIONS })));
      return config;
    },
    inject: [TABLES_SETTINGS, MESSAGE_TRANSPORT, APP_CONFIG],
  },
];
