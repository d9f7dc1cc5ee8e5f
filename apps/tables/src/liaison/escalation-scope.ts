import { policeServes, withinPoliceRegion, type TablesConfig } from '#domain';
import type { Principal } from '#security';
import { PoliceRegionError } from './police-region.error.js';

/**
 * The municipalities whose escalations `caller` sees and acts on (list, stream, one escalation, acknowledgement,
 * report back):
 *  - a police liaison: those of their token that the `politie` table serves. A token naming others (from an identity
 *    provider, or minted before the region changed) shows nothing of them: no liaison is meant to receive their
 *    escalations, which go to the coordinator at once;
 *  - a coordinator: those of their token, served or not: they follow up the escalations that reached no liaison.
 * One escalation and reports back on it also reach the liaison who acknowledged it, outside this scope: `escalationReach`.
 * `asked` (the list's `municipality` filter, already checked against the token) narrows it to that one.
 * @throws PoliceRegionError `LIAISON.MUNICIPALITY_NOT_SERVED` (403) when a liaison asks for one the `politie` table does not serve
 */
export function escalationScope(config: TablesConfig, caller: Pick<Principal, 'role' | 'municipalities'>, asked?: string): readonly string[] {
  const named = asked === undefined ? caller.municipalities : [asked];
  if (caller.role !== 'police-liaison') return named;
  if (asked !== undefined && !policeServes(config, asked)) throw new PoliceRegionError();
  return withinPoliceRegion(config, named);
}
