import { describe, expect, it } from '@jest/globals';
import {
  BUILT_IN_TABLES_CONFIG,
  comesFromSignals,
  decideEscalationAck,
  decideEscalationSupplement,
  decideEscalationTimeout,
  DomainError,
  evolveEscalation,
  NO_ESCALATION,
  SHAREABLE_FIELD_NAMES,
  type EscalationEvent,
  type EscalationState,
} from '../src/index.js';
import { LIAISON, min, raised } from './escalation.fixtures.js';

const apply = (state: EscalationState, events: EscalationEvent[]) => events.reduce(evolveEscalation, state);
const complete = { fields: ['caseState', 'subjectName'], data: { caseState: 'ave-4', subjectName: ['J. de Vries'] } };

describe('an escalation raised before its signals reached the tables app gets its case complete when they arrive', () => {
  it('sends the case again, as the police may see it now, and moves nothing else', () => {
    const { state } = raised();
    const events = decideEscalationSupplement(state, complete, min(3));
    expect(events).toEqual([
      { type: 'EscalationCaseSupplemented', escalationId: 'esc-1', municipality: 'GM0153', fields: ['caseState', 'subjectName'], case: complete.data, at: min(3).toISOString() },
    ]);
    const after = apply(state, events);
    // The tier waiting keeps waiting, with the same time left: only the version moves.
    expect(after).toEqual({ ...state, version: state.version + 1 });
    expect(decideEscalationTimeout(after, min(14), BUILT_IN_TABLES_CONFIG)).toEqual([]);
    expect(decideEscalationTimeout(after, min(15), BUILT_IN_TABLES_CONFIG).map((e) => e.type)).toEqual(['EscalationAckTimedOut', 'EscalationTierNotified']);
  });

  it('also reaches an escalation already acknowledged or with the coordinator: the police still acts on it', () => {
    const { state } = raised();
    const acknowledged = apply(state, decideEscalationAck(state, LIAISON, min(1)));
    expect(apply(acknowledged, decideEscalationSupplement(acknowledged, complete, min(2)))).toMatchObject({ status: 'acknowledged', acknowledgedBy: LIAISON });
    const alerted = raised(null).state;
    expect(apply(alerted, decideEscalationSupplement(alerted, complete, min(2)))).toMatchObject({ status: 'coordinator-alerted' });
  });

  it('refuses an escalation that does not exist', () => {
    expect(() => decideEscalationSupplement(NO_ESCALATION, complete, min(1))).toThrow(DomainError);
  });
});

describe('which shared fields come from the signals', () => {
  it("is every field but the case's own (reason, state, opening, responsibilities, shared notes)", () => {
    expect(SHAREABLE_FIELD_NAMES.filter((f) => !comesFromSignals(f))).toEqual(['referralReason', 'caseState', 'openedAt', 'responsibilities', 'sharedNotes']);
    expect(['subjectName', 'subjectBirthDate', 'subjectAddress', 'area', 'description', 'concern', 'signalSources'].every((f) => comesFromSignals(f as never))).toBe(true);
  });
});
