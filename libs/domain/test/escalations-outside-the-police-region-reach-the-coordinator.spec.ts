import { describe, expect, it } from '@jest/globals';
import {
  BUILT_IN_TABLES_CONFIG,
  decideEscalationAck,
  decideEscalationTimeout,
  evolveEscalation,
  foldEscalation,
  outsidePoliceRegion,
  policeServes,
  raiseUnservedEscalation,
  withinPoliceRegion,
  type TablesConfig,
} from '../src/index.js';
import { LIAISON, min, POLICY, raised, T0 } from './escalation.fixtures.js';

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
    expect(state).toMatchObject({ status: 'coordinator-alerted', ackDueAt: null, tiers: [], alertReason: 'municipality-not-served', version: 2 });
    expect(decideEscalationTimeout(state, min(10_000), BUILT_IN_TABLES_CONFIG)).toEqual([]);
  });
});

describe('an escalation whose municipality the politie table stopped serving while it waited (a restart with a new configuration)', () => {
  /** The escalation of Enschede raised under the built-in tables (tier 1 notified, due at 15 minutes), and the region without Enschede. */
  const { state } = raised();
  const withoutEnschede = withPolice(BUILT_IN_TABLES_CONFIG.tables.find((t) => t.id === 'politie')!.municipalities.filter((m) => m !== ENSCHEDE));

  it('alerts the coordinator at its next timeout, saying why, instead of notifying the next tier nobody can answer', () => {
    // Within the region the duty liaison would be notified again (repeat 1).
    expect(decideEscalationTimeout(state, min(15), BUILT_IN_TABLES_CONFIG).map((e) => e.type)).toEqual(['EscalationAckTimedOut', 'EscalationTierNotified']);
    const events = decideEscalationTimeout(state, min(15), withoutEnschede);
    expect(events).toEqual([
      { type: 'EscalationAckTimedOut', escalationId: 'esc-1', municipality: ENSCHEDE, tierIndex: 0, tierId: 'dienstdoende-liaison', attempt: 1, at: min(15).toISOString() },
      {
        type: 'EscalationCoordinatorAlerted',
        escalationId: 'esc-1',
        municipality: ENSCHEDE,
        tiersTried: ['dienstdoende-liaison'],
        reason: 'municipality-no-longer-served',
        at: min(15).toISOString(),
      },
    ]);
    const alerted = events.reduce(evolveEscalation, state);
    expect(alerted).toMatchObject({ status: 'coordinator-alerted', ackDueAt: null, alertReason: 'municipality-no-longer-served', version: 4 });
    expect(decideEscalationTimeout(alerted, min(10_000), withoutEnschede)).toEqual([]);
  });

  it('names every tier notified so far, and nothing happens before the due time', () => {
    let later = state;
    for (const at of [min(15), min(30)]) later = decideEscalationTimeout(later, at, BUILT_IN_TABLES_CONFIG).reduce(evolveEscalation, later);
    expect(later).toMatchObject({ tierIndex: 1, ackDueAt: min(40).toISOString() });
    expect(decideEscalationTimeout(later, new Date(min(40).getTime() - 1), withoutEnschede)).toEqual([]);
    expect(decideEscalationTimeout(later, min(40), withoutEnschede)[1]).toMatchObject({ tiersTried: ['dienstdoende-liaison', 'backup-liaison'], reason: 'municipality-no-longer-served' });
  });

  it('leaves an acknowledged escalation alone', () => {
    const acknowledged = decideEscalationAck(state, LIAISON, min(5)).reduce(evolveEscalation, state);
    expect(decideEscalationTimeout(acknowledged, min(15), withoutEnschede)).toEqual([]);
  });
});

describe('why the coordinator was alerted', () => {
  it('is null while a liaison is waited for, and tiers-exhausted when every tier ran out (as before, without a reason on the event)', () => {
    let state = raised(POLICY).state;
    expect(state.status === 'open' && state.alertReason).toBeNull();
    const alerts: unknown[] = [];
    for (const at of [min(15), min(30), min(40), min(70)]) {
      const events = decideEscalationTimeout(state, at, BUILT_IN_TABLES_CONFIG);
      alerts.push(...events.filter((e) => e.type === 'EscalationCoordinatorAlerted'));
      state = events.reduce(evolveEscalation, state);
    }
    expect(alerts).toEqual([expect.not.objectContaining({ reason: expect.anything() })]);
    expect(state).toMatchObject({ status: 'coordinator-alerted', alertReason: 'tiers-exhausted' });
    // A late acknowledgement keeps it: the coordinator was alerted, and why.
    expect(decideEscalationAck(state, LIAISON, min(80)).reduce(evolveEscalation, state)).toMatchObject({ status: 'acknowledged', alertReason: 'tiers-exhausted' });
  });

  it('is tiers-exhausted for a municipality without tiers (alerted at once)', () => {
    expect(raised(null).state).toMatchObject({ status: 'coordinator-alerted', alertReason: 'tiers-exhausted' });
  });
});
