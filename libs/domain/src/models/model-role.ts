/**
 * Roles an actor can have when acting on a case. The same names as the token roles and the envelope's
 * `Role` (libs/contracts); they are repeated here because libs/domain imports nothing. A model's
 * `rolesAllowed` may name only these.
 */
export const MODEL_ROLES = [
  'coordinator',
  'police-liaison',
  'table-member',
  'admin',
  'auditor',
  'intake-system',
  'system',
] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

/** True when `value` is one of {@link MODEL_ROLES}. */
export function isModelRole(value: unknown): value is ModelRole {
  return (MODEL_ROLES as readonly unknown[]).includes(value);
}
