import type { EscalationData, TablesConfig } from '#domain';
import type { Principal } from '#security';
import { escalationScope } from './escalation-scope.js';

/**
 * How a caller reaches one escalation (reading it, reporting back on it):
 *  - `served`: its municipality is one of `escalationScope` (a liaison: of their token and the `politie` region; a
 *    coordinator: of their token);
 *  - `acknowledged`: the police liaison who acknowledged it (the same actor: subject and role), after the `politie`
 *    table stopped serving its municipality, while their token still names that municipality. A report back is what
 *    the police did, for the municipality, on an escalation they received while the region covered it. The region no
 *    longer covers giving them the case again (`withoutTheCase`), nor listing, streaming or acknowledging escalations
 *    of that municipality.
 */
export type EscalationReach = 'served' | 'acknowledged';

/** How `caller` reaches `escalation`, or null when they do not (the routes answer 404 `ESCALATION.NOT_FOUND`). */
export function escalationReach(
  config: TablesConfig,
  caller: Pick<Principal, 'subject' | 'role' | 'municipalities'>,
  escalation: Pick<EscalationData, 'municipality' | 'acknowledgedBy'>,
): EscalationReach | null {
  if (escalationScope(config, caller).includes(escalation.municipality)) return 'served';
  // Every other role reaches all of its token's municipalities above: only a liaison gets this far with one it names.
  const acknowledgedIt = escalation.acknowledgedBy?.id === caller.subject && escalation.acknowledgedBy.role === caller.role;
  return acknowledgedIt && caller.municipalities.includes(escalation.municipality) ? 'acknowledged' : null;
}
