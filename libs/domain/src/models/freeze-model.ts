import type { ModelDefinition } from './model-definition.js';

/**
 * Deep-freezes a definition so a published version cannot be changed in place by accident (a change is
 * a new version). Returns the same object.
 */
export function freezeModel<T extends ModelDefinition>(def: T): T {
  deepFreeze(def);
  return def;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
