import type { ModelGuard } from './model-definition.js';

/** What a guard can look at: the command's fields and facts fixed when the case was opened. */
export interface GuardFacts {
  /** The transition command's fields; absent for checks that happen without a command (notifications, menus). */
  fields?: Readonly<Record<string, unknown>>;
  reporterRelation: string | null;
}

/**
 * Whether `guard` holds for `facts`. A `fieldEquals` guard checked without fields (e.g. when listing the
 * transitions a user may take) counts as holding: it can only be decided once the command is known.
 */
export function guardHolds(guard: ModelGuard | undefined, facts: GuardFacts): boolean {
  if (guard === undefined) return true;
  if ('reporterRelationIs' in guard) return facts.reporterRelation === guard.reporterRelationIs;
  if (facts.fields === undefined) return true;
  return facts.fields[guard.fieldEquals.field] === guard.fieldEquals.value;
}
