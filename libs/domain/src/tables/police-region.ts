import type { TablesConfig } from './table-definition.js';

/*
 * The police liaisons' region: the municipalities the `politie` table serves. Only escalations of those reach a
 * liaison (see `raiseUnservedEscalation` for the others), and a liaison sees and acts only within it, whatever
 * else their token names; one exception: the liaison who acknowledged an escalation still reports back on it after
 * its municipality left the region (`escalationReach` in apps/tables).
 */

/** The police liaisons' table: its region bounds whose escalations reach them, its sharing profile what they see of a case. */
export const POLICE_TABLE = 'politie';

/** Whether the police table serves `municipality` (false when no police table is configured). */
export function policeServes(config: TablesConfig, municipality: string): boolean {
  return config.tables.some((t) => t.id === POLICE_TABLE && t.municipalities.includes(municipality));
}

/** Of `municipalities`, those the police table serves, in the order given. */
export function withinPoliceRegion(config: TablesConfig, municipalities: readonly string[]): string[] {
  return municipalities.filter((m) => policeServes(config, m));
}

/** Of `municipalities`, those the police table does not serve, in the order given. */
export function outsidePoliceRegion(config: TablesConfig, municipalities: readonly string[]): string[] {
  return municipalities.filter((m) => !policeServes(config, m));
}
