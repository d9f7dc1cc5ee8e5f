import type { ModelDefinition } from './model-definition.js';

/**
 * The version a new case in `municipality` runs under when no version is asked for, among `versions` (oldest
 * first): the newest version published for that municipality by name, else the newest version for every
 * municipality. A municipality's own protocol stays its default when a newer version for everyone appears (AVE is
 * a coat rack each municipality fills in itself); it follows the common one again only through a version of its own.
 */
export function defaultModelVersion<T>(versions: readonly T[], municipality: string, definitionOf: (v: T) => Pick<ModelDefinition, 'municipalities'>): T | undefined {
  const own = versions.filter((v) => definitionOf(v).municipalities?.includes(municipality) === true);
  return own.at(-1) ?? versions.filter((v) => definitionOf(v).municipalities === undefined).at(-1);
}
