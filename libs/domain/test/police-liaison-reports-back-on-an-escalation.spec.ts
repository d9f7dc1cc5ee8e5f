import { describe, expect, it } from '@jest/globals';
import {
  BUILT_IN_TABLES_CONFIG,
  decideEscalationAck,
  decideEscalationReport,
  decideEscalationTimeout,
  DomainError,
  evolveEscalation,
  NO_ESCALATION,
  POLICE_REPORT_OUTCOMES,
  type EscalationEvent,
  type EscalationPolicy,
  type EscalationState,
} from '../src/index.js';
import { LIAISON, min, raised } from './escalation.fixtures.js';

const AGENT = LIAISON;
const OTHER_AGENT = { id: 'agent-2', role: 'police-liaison' };
const raisedState = (policy?: EscalationPolicy | null) => raised(policy).state;

const apply = (state: EscalationState, events: EscalationEvent[]) => events.reduce(evolveEscalation, state);
const acknowledged = () => {
  const s = raisedState();
  return apply(s, decideEscalationAck(s, AGENT, min(5)));
};

describe('a police liaison reports back what the police did', () => {
  it('records the outcome and text as an event, and the escalation keeps its last report', () => {
    const state = acknowledged();
    const events = decideEscalationReport(state, { outcome: 'actie-ondernomen', text: 'Wijkagent is langs geweest' }, AGENT, min(60));
    expect(events).toEqual([
      {
        type: 'EscalationReportedBack',
        escalationId: 'esc-1',
        municipality: 'GM0153',
        outcome: 'actie-ondernomen',
        text: 'Wijkagent is langs geweest',
        reportedBy: AGENT,
        at: min(60).toISOString(),
      },
    ]);
    const next = apply(state, events);
    expect(next).toMatchObject({ status: 'acknowledged', lastReport: { outcome: 'actie-ondernomen', at: min(60).toISOString(), by: 'agent-1' }, version: state.version + 1 });
  });

  it('a report on an escalation nobody acknowledged yet acknowledges it first, for the tier waiting now, and stops the tier timer', () => {
    const state = raisedState();
    const events = decideEscalationReport(state, { outcome: 'in-behandeling', text: 'Wij gaan erheen' }, AGENT, min(5));
    expect(events.map((e) => e.type)).toEqual(['EscalationAcknowledged', 'EscalationReportedBack']);
    expect(events[0]).toMatchObject({ tierIndex: 0, tierId: 'dienstdoende-liaison', acknowledgedBy: AGENT });
    const next = apply(state, events);
    expect(next).toMatchObject({ status: 'acknowledged', ackDueAt: null, acknowledgedBy: AGENT, lastReport: { outcome: 'in-behandeling' } });
    expect(decideEscalationTimeout(next, min(500), BUILT_IN_TABLES_CONFIG)).toEqual([]);
  });

  it('a report after the coordinator was alerted is recorded (with the late acknowledgement)', () => {
    const noTiers = raisedState(null);
    expect(noTiers.status).toBe('coordinator-alerted');
    const events = decideEscalationReport(noTiers, { outcome: 'geen-politieactie', text: 'Geen strafbare feiten' }, AGENT, min(90));
    expect(events.map((e) => e.type)).toEqual(['EscalationAcknowledged', 'EscalationReportedBack']);
    expect(apply(noTiers, events).status).toBe('acknowledged');
  });

  it('reports follow one another: each is its own event, the last one is what the escalation shows', () => {
    let state = acknowledged();
    state = apply(state, decideEscalationReport(state, { outcome: 'in-behandeling', text: 'Onderweg' }, AGENT, min(10)));
    state = apply(state, decideEscalationReport(state, { outcome: 'overgedragen', text: 'Overgedragen aan de recherche' }, OTHER_AGENT, min(120)));
    expect(state).toMatchObject({ lastReport: { outcome: 'overgedragen', at: min(120).toISOString(), by: 'agent-2' }, acknowledgedBy: AGENT });
  });

  it('the text is trimmed; an empty text, an unknown outcome or an unknown escalation is refused with a code', () => {
    const state = acknowledged();
    expect(decideEscalationReport(state, { outcome: 'actie-ondernomen', text: '  Klaar  ' }, AGENT, min(10))[0]).toMatchObject({ text: 'Klaar' });
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error instanceof DomainError ? error.code : String(error);
      }
      return 'no error';
    };
    expect(codeOf(() => decideEscalationReport(state, { outcome: 'actie-ondernomen', text: '   ' }, AGENT, min(10)))).toBe('ESCALATION.REPORT_TEXT_REQUIRED');
    expect(codeOf(() => decideEscalationReport(state, { outcome: 'opgelost' as never, text: 'x' }, AGENT, min(10)))).toBe('ESCALATION.REPORT_OUTCOME_UNKNOWN');
    expect(codeOf(() => decideEscalationReport(NO_ESCALATION, { outcome: 'actie-ondernomen', text: 'x' }, AGENT, min(10)))).toBe('ESCALATION.NOT_FOUND');
  });

  it('names four outcomes, in Dutch kebab-case', () => {
    expect(POLICE_REPORT_OUTCOMES).toEqual(['in-behandeling', 'actie-ondernomen', 'geen-politieactie', 'overgedragen']);
  });

  it('an escalation without reports shows none', () => {
    expect(acknowledged()).toMatchObject({ lastReport: null });
  });
});
