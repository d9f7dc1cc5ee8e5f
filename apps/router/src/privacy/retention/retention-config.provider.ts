import { readFileSync } from 'node:fs';
import type { Provider } from '@nestjs/common';
import { assertValidRetentionConfig, BUILT_IN_RETENTION_CONFIG, type RetentionConfig } from '#domain';
import { APP_CONFIG, type AppConfig } from '#platform';

/** Injection token of the validated retention rules. */
export const RETENTION_CONFIG = Symbol('RETENTION_CONFIG');

/**
 * The retention rules: the file named by `RETENTION_RULES_FILE` (it replaces the built-in rules), else the
 * built-in ones. Validated before anything runs, so a bad rules file stops the start-up naming each problem.
 */
export function loadRetentionConfig(file: string | null): RetentionConfig {
  if (!file) return BUILT_IN_RETENTION_CONFIG;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`RETENTION_RULES_FILE ${file} cannot be read: ${(error as Error).message}`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw new Error(`RETENTION_RULES_FILE ${file} is not valid JSON`);
  }
  try {
    assertValidRetentionConfig(config);
  } catch (error) {
    throw new Error(`RETENTION_RULES_FILE ${file}: ${(error as Error).message}`);
  }
  return config;
}

export const RETENTION_CONFIG_PROVIDER: Provider = {
  provide: RETENTION_CONFIG,
  useFactory: (config: AppConfig) => loadRetentionConfig(config.RETENTION_RULES_FILE?.trim() || null),
  inject: [APP_CONFIG],
};
