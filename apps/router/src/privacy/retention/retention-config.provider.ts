import { readFileSync } from 'node:fs';
import type { Provider } from '@nestjs/common';
import {
  assertValidRetentionConfig,
  BUILT_IN_MODELS,
  BUILT_IN_RETENTION_CONFIG,
  DomainError,
  validateRetentionConfigModels,
  type RetentionConfig,
} from '#domain';
import type { Database } from '#eventstore';
import { APP_CONFIG, DATABASE, type AppConfig } from '#platform';

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
    if (error instanceof DomainError) throw new DomainError(error.code, `RETENTION_RULES_FILE ${file}: ${error.message}`, { file, ...error.details });
    throw new Error(`RETENTION_RULES_FILE ${file}: ${(error as Error).message}`);
  }
  return config;
}

/** Model id → ids of its closing (terminal) states, over every version given (definitions as stored: read defensively). */
function closingStatesByModel(definitions: Iterable<unknown>): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const def of definitions) {
    const { id, states } = (def ?? {}) as { id?: unknown; states?: unknown };
    if (typeof id !== 'string') continue;
    const closing = map.get(id) ?? new Set<string>();
    if (Array.isArray(states)) for (const s of states as { id?: unknown; terminal?: unknown }[]) if (s?.terminal === true && typeof s.id === 'string') closing.add(s.id);
    map.set(id, closing);
  }
  return map;
}

/**
 * Every model version the router knows at start-up: the built-ins plus every version published in
 * `model_versions` (read directly: the `ModelRegistry` only loads them in its own init hook, later; it also
 * validates them and stops the start-up on an unusable one).
 */
async function knownClosingStates(db: Database): Promise<Map<string, Set<string>>> {
  const rows = (await db.query<{ definition: unknown }>('SELECT definition FROM model_versions')).rows;
  const stored = rows.map((r) => (typeof r.definition === 'string' ? (JSON.parse(r.definition) as unknown) : r.definition));
  return closingStatesByModel([...BUILT_IN_MODELS, ...stored]);
}

/**
 * Throws `RETENTION.CONFIG_INVALID` (like a badly formed rule) when a rule names a model no version of which
 * exists, or a state no version of that model closes a case in: such a rule never matches, and the signals it
 * should keep would be destroyed early under a later rule.
 */
export function assertRetentionConfigNamesKnownModels(config: RetentionConfig, closingStates: ReadonlyMap<string, ReadonlySet<string>>, file: string | null): void {
  const problems = validateRetentionConfigModels(config, closingStates);
  if (problems.length === 0) return;
  const source = file ? `RETENTION_RULES_FILE ${file}` : 'built-in retention rules';
  throw new DomainError('RETENTION.CONFIG_INVALID', `${source}: invalid retention rules:\n  - ${problems.map((p) => `${p.path}: ${p.message}`).join('\n  - ')}`, {
    ...(file ? { file } : {}),
    problems,
  });
}

export const RETENTION_CONFIG_PROVIDER: Provider = {
  provide: RETENTION_CONFIG,
  // DATABASE resolves once the migrations have run, so `model_versions` exists.
  useFactory: async (config: AppConfig, db: Database) => {
    const file = config.RETENTION_RULES_FILE?.trim() || null;
    const rules = loadRetentionConfig(file);
    assertRetentionConfigNamesKnownModels(rules, await knownClosingStates(db), file);
    return rules;
  },
  inject: [APP_CONFIG, DATABASE],
};
