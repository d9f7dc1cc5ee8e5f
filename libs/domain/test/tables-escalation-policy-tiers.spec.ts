import { describe, expect, it } from '@jest/globals';
import {
  BUILT_IN_TABLES_CONFIG,
  decideEscalationAck,
  decideEscalationTimeout,
  escalationTriggerOf,
  evolveEscalation,
  NO_ESCALATION,
  policyFor,
  type EscalationEvent,
  type EscalationState,
} from '../src/index.js';
import { LIAISON, min, POLICY, raised, T0 } from './escalation.fixtures.js';

/** Applies the timer at `at` and returns the state and the new events. */
function tick(state: EscalationState, at: Date) {
  const events = decideEscalationTimeout(state, at, BUILT_IN_TABLES_CONFIG);
  return { state: events.reduce(evolveEscalation, state), events };
}

const steps = (events: EscalationEvent[]) => events.map((e) => (e.type === 'EscalationTierNotified' ? `${e.type}:${e.tierId}#${e.attempt}` : e.type));

describe('raising an escalation', () => {
  it('notifies the first tier with its acknowledgement deadline', () => {
    const { state, events } = raised();
    expect(steps(events)).toEqual(['EscalationRaised', 'EscalationTierNotified:dienstdoende-liaison#1']);
    expect(events[1]).toMatchObject({ tierIndex: 0, ackDueAt: min(15).toISOString(), at: T0.toISOString() });
    expect(state).toMatchObject({ status: 'open', tierIndex: 0, attempt: 1, ackDueAt: min(15).toISOString(), version: 2 });
  });

  it('pins the policy tiers on the escalation', () => {
    const { events } = raised();
    expect(events[0]).toMatchObject({ type: 'EscalationRaised', policyId: 'test', tiers: POLICY.tiers });
  });

  it('alerts the coordinator at once when the municipality has no tiers', () => {
    expect(steps(raised(null).events)).toEqual(['EscalationRaised', 'EscalationCoordinatorAlerted']);
    expect(raised(null).state.status).toBe('coordinator-alerted');
  });
});

describe('no acknowledgement in time moves on: repeat, next tier, coordinator', () => {
  it('walks every tier in order and then alerts the coordinator; every step is an event', () => {
    let { state } = raised();
    const all: string[] = [];
    // Tier 1 twice (repeat 1, 15 min each), tier 2 once (10 min), tier 3 once (30 min).
    for (const at of [min(15), min(30), min(40), min(70)]) {
      const r = tick(state, at);
      state = r.state;
      all.push(...steps(r.events));
    }
    expect(all).toEqual([
      'EscalationAckTimedOut', 'EscalationTierNotified:dienstdoende-liaison#2',
      'EscalationAckTimedOut', 'EscalationTierNotified:backup-liaison#1',
      'EscalationAckTimedOut', 'EscalationTierNotified:teamchef#1',
      'EscalationAckTimedOut', 'EscalationCoordinatorAlerted',
    ]);
    expect(state.status).toBe('coordinator-alerted');
    expect(decideEscalationTimeout(state, min(1000), BUILT_IN_TABLES_CONFIG)).toEqual([]);
  });

  it('the next tier gets its own full timeout, counted from when it is notified', () => {
    let { state } = raised();
    state = tick(state, min(15)).state;
    const late = tick(state, min(45)); // the timer ran late: the backup gets 10 minutes from now
    expect(late.events[1]).toMatchObject({ type: 'EscalationTierNotified', tierId: 'backup-liaison', ackDueAt: min(55).toISOString() });
  });

  it('does nothing before the deadline', () => {
    const { state } = raised();
    expect(decideEscalationTimeout(state, new Date(min(15).getTime() - 1), BUILT_IN_TABLES_CONFIG)).toEqual([]);
  });

  it('the coordinator alert names the tiers tried', () => {
    let { state } = raised();
    let last: EscalationEvent[] = [];
    for (const at of [min(15), min(30), min(40), min(70)]) ({ state, events: last } = tick(state, at));
    expect(last[1]).toEqual({ type: 'EscalationCoordinatorAlerted', escalationId: 'esc-1', municipality: 'GM0153', tiersTried: ['dienstdoende-liaison', 'backup-liaison', 'teamchef'], at: min(70).toISOString() });
  });
});

describe('acknowledgement stops the escalation', () => {
  it('records who acknowledged at which tier; no timer step follows', () => {
    let { state } = raised();
    state = tick(state, min(15)).state;
    state = tick(state, min(30)).state; // now with the backup
    const ack = decideEscalationAck(state, LIAISON, min(31));
    expect(ack).toEqual([{ type: 'EscalationAcknowledged', escalationId: 'esc-1', municipality: 'GM0153', tierIndex: 1, tierId: 'backup-liaison', acknowledgedBy: LIAISON, at: min(31).toISOString() }]);
    state = ack.reduce(evolveEscalation, state);
    expect(state.status).toBe('acknowledged');
    expect(decideEscalationTimeout(state, min(1000), BUILT_IN_TABLES_CONFIG)).toEqual([]);
  });

  it('acknowledging again changes nothing', () => {
    const { state } = raised();
    const acked = decideEscalationAck(state, LIAISON, min(1)).reduce(evolveEscalation, state);
    expect(decideEscalationAck(acked, { id: 'agent-2', role: 'police-liaison' }, min(2))).toEqual([]);
  });

  it('a late acknowledgement after the coordinator was alerted is still recorded', () => {
    const { state } = raised(null);
    expect(decideEscalationAck(state, LIAISON, min(5)).map((e) => e.type)).toEqual(['EscalationAcknowledged']);
  });

  it('an escalation that does not exist: ESCALATION.NOT_FOUND', () => {
    expect(() => decideEscalationAck(NO_ESCALATION, LIAISON, T0)).toThrow(expect.objectContaining({ code: 'ESCALATION.NOT_FOUND' }));
  });
});

describe('per municipality policies and triggers', () => {
  it('Twente municipalities get the Twente policy, others the fallback', () => {
    expect(policyFor(BUILT_IN_TABLES_CONFIG, 'GM0153')?.id).toBe('twente');
    expect(policyFor(BUILT_IN_TABLES_CONFIG, 'GM0363')?.id).toBe('standaard');
    expect(policyFor({ ...BUILT_IN_TABLES_CONFIG, escalation: { ...BUILT_IN_TABLES_CONFIG.escalation, policies: [] } }, 'GM0363')).toBeNull();
  });

  const triggers = BUILT_IN_TABLES_CONFIG.escalation.triggers;
  it.each<[string, { type: string; payload: Record<string, unknown>; modelId: string }, unknown]>([
    ['AVE 4 reached (MayorInformed)', { type: 'MayorInformed', payload: { state: 'ave-4', modelId: 'ave' }, modelId: 'ave' }, { kind: 'notification', detail: 'MayorInformed', state: 'ave-4' }],
    ['a configured transition', { type: 'CaseTransitioned', payload: { modelId: '7-stappenmodel', from: 'stap-1', to: 'stap-2b' }, modelId: '7-stappenmodel' }, { kind: 'transition', detail: 'stap-2b', state: 'stap-2b' }],
    ['another transition', { type: 'CaseTransitioned', payload: { modelId: '7-stappenmodel', from: 'stap-1', to: 'stap-2a' }, modelId: '7-stappenmodel' }, null],
    ['a breached configured deadline', { type: 'DeadlineBreached', payload: { definitionId: 'oppakken', state: 'ontvangst' }, modelId: 'ondermijning-intake' }, { kind: 'deadline-breached', detail: 'oppakken', state: 'ontvangst' }],
    ['a breached deadline of another model', { type: 'DeadlineBreached', payload: { definitionId: 'verkennend-onderzoek', state: 'x' }, modelId: 'wvggz-verkennend-onderzoek' }, null],
    ['a note', { type: 'CaseNoteAdded', payload: {}, modelId: 'ave' }, null],
  ])('%s', (_name, event, expected) => {
    expect(escalationTriggerOf(triggers, event)).toEqual(expected);
  });
});
