import { describe, expect, it } from '@jest/globals';
import {
  BUILT_IN_TABLES_CONFIG,
  decideEscalationTimeout,
  foldEscalation,
  outsidePoliceRegion,
  policeServes,
  raiseUnservedEscalation,
  withinPoliceRegion,
  type TablesConfig,
} from '../src/index.js';
import { min, T0 } from './escalation.fixtures.js';

/**
 * The police liaisons' region is the `politie` table's: only escalations of the municipalities it serves reach a
 * liaison. One of another municipality does not vanish: it is recorded, marked undelivered, with nothing of the case
 * and no tier, and the coordinator is alerted at once.
 */

const ENSCHEDE = 'GM0153';
const HENGELO = 'GM0164';
const AMSTERDAM = 'GM0363';

/** The built-in tables with the `politie` table serving `municipalities` (or left out when null). */
function withPolice(municipalities: string[] | null): TablesConfig {
  const tables = BUILT_IN_TABLES_CONFIG.tables.filter((t) => t.id !== 'politie');
  const police = BUILT_IN_TABLES_CONFIG.tables.find((t) => t.id === 'politie')!;
  return { ...BUILT_IN_TABLES_CONFIG, tables: municipalities === null ? tables : [...tables, { ...police, municipalities }] };
}

describe("the politie table's region", () => {
  it('is what the politie table serves, not what the other tables serve', () => {
    const config = withPolice([ENSCHEDE]);
    expect(policeServes(config, ENSCHEDE)).toBe(true);
    // Hengelo is served by the RIEC and the ZVH here, not by the police.
    expect(config.tables.find((t) => t.id === 'riec')!.municipalities).toContain(HENGELO);
    expect(policeServes(config, HENGELO)).toBe(false);
  });

  it('splits a list of municipalities into those inside and those outside, keeping their order', () => {
    const config = withPolice([HENGELO, ENSCHEDE]);
    expect(withinPoliceRegion(config, [AMSTERDAM, ENSCHEDE, HENGELO])).toEqual([ENSCHEDE, HENGELO]);
    expect(outsidePoliceRegion(config, [AMSTERDAM, ENSCHEDE, HENGELO])).toEqual([AMSTERDAM]);
  });

  it('is empty without a politie table: no municipality is served', () => {
    const config = withPolice(null);
    expect(policeServes(config, ENSCHEDE)).toBe(false);
    expect(withinPoliceRegion(config, [ENSCHEDE])).toEqual([]);
  });

  it('is the 14 Twente municipalities in the shipped configuration: Amsterdam is outside', () => {
    expect(policeServes(BUILT_IN_TABLES_CONFIG, ENSCHEDE)).toBe(true);
    expect(policeServes(BUILT_IN_TABLES_CONFIG, AMSTERDAM)).toBe(false);
  });
});

describe('an escalation of a municipality the politie table does not serve', () => {
  const events = raiseUnservedEscalation({
    escalationId: 'esc-1',
    municipality: AMSTERDAM,
    caseType: 'ave',
    trigger: { kind: 'notification', detail: 'MayorInformed', state: 'ave-4' },
    now: T0,
  });

  it('is raised undelivered, without tiers or anything of the case, and alerts the coordinator at once', () => {
    expect(events).toEqual([
      {
        type: 'EscalationRaised',
        escalationId: 'esc-1',
        municipality: AMSTERDAM,
        caseType: 'ave',
        trigger: { kind: 'notification', detail: 'MayorInformed', state: 'ave-4' },
        policyId: null,
        tiers: [],
        fields: [],
        case: {},
        undelivered: 'municipality-not-served',
        at: T0.toISOString(),
      },
      { type: 'EscalationCoordinatorAlerted', escalationId: 'esc-1', municipality: AMSTERDAM, tiersTried: [], at: T0.toISOString() },
    ]);
  });

  it('waits for nobody: the timer never moves it', () => {
    const state = foldEscalation(events);
    expect(state).toMatchObject({ status: 'coordinator-alerted', ackDueAt: null, tiers: [], version: 2 });
    expect(decideEscalationTimeout(state, min(10_000))).toEqual([]);
  });
});
