import { readFileSync } from 'node:fs';
import type { Provider } from '@nestjs/common';
import {
  assertValidRetentionConfig,
  BUILT_IN_MODEL_VERSIONS,
  BUILT_IN_RETENTION_CONFIG,
  DomainError,
  validateRetentionConfigClasses,
  validateRetentionConfigModels,
  type RetentionConfig,
  type RetentionConfigProblem,
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

/** What the rules may name of the known models, by model id, over all its versions. */
export interface KnownModels {
  /** Ids of its closing (terminal) states. */
  closingStates: Map<string, Set<string>>;
  /** Retention classes its closing states declare. */
  retentionClasses: Map<string, Set<string>>;
}

/** The closing states and their retention classes of every version given (definitions as stored: read defensively). */
export function knownModelsOf(definitions: Iterable<unknown>): KnownModels {
  const known: KnownModels = { closingStates: new Map(), retentionClasses: new Map() };
  for (const def of definitions) {
    const { id, states } = (def ?? {}) as { id?: unknown; states?: unknown };
    if (typeof id !== 'string') continue;
    const closing = known.closingStates.get(id) ?? new Set<string>();
    const classes = known.retentionClasses.get(id) ?? new Set<string>();
    for (const s of Array.isArray(states) ? (states as { id?: unknown; terminal?: unknown; retentionClass?: unknown }[]) : []) {
      if (s?.terminal !== true || typeof s.id !== 'string') continue;
      closing.add(s.id);
      if (typeof s.retentionClass === 'string') classes.add(s.retentionClass);
    }
    known.closingStates.set(id, closing);
    known.retentionClasses.set(id, classes);
  }
  return known;
}

/**
 * Every model version the router knows at start-up: the built-ins plus every version published in
 * `model_versions` (read directly: the `ModelRegistry` only loads them in its own init hook, later; it also
 * validates them and stops the start-up on an unusable one). A database not migrated yet (checked before the
 * migrations run) has no such table, and so no published version.
 */
export async function knownModels(db: Database): Promise<KnownModels> {
  const { present } = (await db.query<{ present: boolean }>("SELECT to_regclass('model_versions') IS NOT NULL AS present")).rows[0]!;
  if (!present) return knownModelsOf(BUILT_IN_MODEL_VERSIONS);
  const rows = (await db.query<{ definition: unknown }>('SELECT definition FROM model_versions')).rows;
  const stored = rows.map((r) => (typeof r.definition === 'string' ? (JSON.parse(r.definition) as unknown) : r.definition));
  return knownModelsOf([...BUILT_IN_MODEL_VERSIONS, ...stored]);
}

/**
 * Throws `RETENTION.CONFIG_INVALID` (like a badly formed rule) when a rule names a model no version of which
 * exists, a state no version of that model closes a case in, or a retention class no closing state declares:
 * such a rule never matches, and the signals it should keep would be destroyed early under a later rule.
 */
export function assertRetentionConfigNamesKnownModels(config: RetentionConfig, known: KnownModels, file: string | null): void {
  const problems = problemsAgainstModels(config, known);
  if (problems.length === 0) return;
  const source = file ? `RETENTION_RULES_FILE ${file}` : 'built-in retention rules';
  throw new DomainError('RETENTION.CONFIG_INVALID', `${source}: invalid retention rules:\n  - ${problems.map((p) => `${p.path}: ${p.message}`).join('\n  - ')}`, {
    ...(file ? { file } : {}),
    problems,
  });
}

/** What the rules get wrong about the models `known`: a model, closing state or retention class they do not have. */
export function problemsAgainstModels(config: RetentionConfig, known: KnownModels): RetentionConfigProblem[] {
  return [...validateRetentionConfigModels(config, known.closingStates), ...validateRetentionConfigClasses(config, known.retentionClasses)];
}

export const RETENTION_CONFIG_PROVIDER: Provider = {
  provide: RETENTION_CONFIG,
  // DATABASE resolves once the migrations have run, so `model_versions` exists.
  useFactory: async (config: AppConfig, db: Database) => {
    const file = config.RETENTION_RULES_FILE?.trim() || null;
    const rules = loadRetentionConfig(file);
    assertRetentionConfigNamesKnownModels(rules, await knownModels(db), file);
    return rules;
  },
  inject: [APP_CONFIG, DATABASE],
};
