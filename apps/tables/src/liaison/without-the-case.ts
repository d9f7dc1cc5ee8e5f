/**
 * An escalation answer (the escalation, or one of its steps) without the case the police was sent: `fields` and
 * `case` emptied where present, the shape of an escalation whose case type the `politie` profile does not cover. For a
 * liaison who reaches the escalation only as its acknowledger (`escalationReach`): reporting back needs its steps and
 * version, not the case, and the `politie` table no longer serves its municipality.
 */
export function withoutTheCase<T extends object>(answer: T): T {
  return { ...answer, ...('fields' in answer ? { fields: [] } : {}), ...('case' in answer ? { case: {} } : {}) };
}
