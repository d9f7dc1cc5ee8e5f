import { BUILT_IN_MODEL_VERSIONS } from '#domain';
import type { AppConfig, StoredDatabase } from '#platform';
import { assertRetentionConfigNamesKnownModels, knownModels, knownModelsOf, loadRetentionConfig, problemsAgainstModels } from './retention-config.provider.js';

/**
 * The retention rules as the router will run them, checked before anything is migrated or written: the file must
 * be readable, well formed, and name only models, closing states and retention classes that exist. Rules naming
 * only built-in ones need no database; for others the versions already published in the database count (read as
 * it is, before the migrations: a database that has none yet cannot make an unknown model known).
 */
export async function checkRetentionRules(config: AppConfig, stored: StoredDatabase): Promise<void> {
  const file = config.RETENTION_RULES_FILE ?? null;
  const rules = loadRetentionConfig(file);
  const builtIns = knownModelsOf(BUILT_IN_MODEL_VERSIONS);
  if (problemsAgainstModels(rules, builtIns).length === 0) return;
  const db = await stored.open();
  assertRetentionConfigNamesKnownModels(rules, db ? await knownModels(db) : builtIns, file);
}
