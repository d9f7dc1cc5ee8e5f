import type { ModelDefinition } from './model-definition.js';

/**
 * Looks up a published model version. Where definitions live (built-ins, a database of published
 * versions) is the app's concern; the case decider only asks for the exact version a case is pinned to.
 */
export type ModelResolver = (id: string, version: number) => ModelDefinition | undefined;

/**
 * A resolver over a fixed list of definitions (e.g. the built-ins plus versions loaded at start-up).
 * Throws `RangeError` when the list holds the same id and version twice: that is a loading bug.
 */
export function modelResolverOf(definitions: Iterable<ModelDefinition>): ModelResolver {
  const byKey = new Map<string, ModelDefinition>();
  for (const def of definitions) {
    const key = modelKey(def.id, def.version);
    if (byKey.has(key)) throw new RangeError(`Model ${key} is listed twice`);
    byKey.set(key, def);
  }
  return (id, version) => byKey.get(modelKey(id, version));
}

/** `id@version`, the key a model version is known by in logs and maps. */
export function modelKey(id: string, version: number): string {
  return `${id}@${version}`;
}
