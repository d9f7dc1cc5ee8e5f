import { describe, expect, it } from '@jest/globals';
import { caseSheetEventProblem } from '../src/index.js';

/**
 * The tables app reads case events from Kafka. One without the fields it reads would be stored as the case's
 * state, or wipe its responsibility holders; `caseSheetEventProblem` names what is wrong so the consumer can
 * dead-letter it instead. Only what the tables app reads is checked: more fields (a newer router) pass.
 */
const at = '2026-11-27T10:00:00.000Z';
const opened = { caseId: 'c1', municipality: 'GM0153', modelId: 'ave', modelVersion: 1, state: 'ave-1', signalIds: ['s1'], responsibilities: { casusregie: 'gemeente' }, at };
const referred = { caseId: 'c1', referralId: 'r1', table: 'riec', state: 'riec', reason: 'r', actor: { id: 'coordinator-anna', role: 'coordinator' }, at };

describe('a case event the tables app may use', () => {
  it('passes with the fields it reads, and with more', () => {
    expect(caseSheetEventProblem('CaseOpened', opened)).toBeNull();
    expect(caseSheetEventProblem('CaseOpened', { ...opened, somethingNew: true })).toBeNull();
    expect(caseSheetEventProblem('CaseTransitioned', { caseId: 'c1', from: 'ave-1', to: 'ave-2', responsibilities: {} })).toBeNull();
    expect(caseSheetEventProblem('CaseReferred', referred)).toBeNull();
    expect(caseSheetEventProblem('CaseReferred', { ...referred, reason: '' })).toBeNull();
    expect(caseSheetEventProblem('MayorInformed', { caseId: 'c1', state: 'ave-4' })).toBeNull();
    expect(caseSheetEventProblem('CasePlanSet', { caseId: 'c1' })).toBeNull(); // not read beyond its case id
  });

  it.each([
    ['CaseOpened', { ...opened, signalIds: undefined }, 'signalIds'],
    ['CaseOpened', { ...opened, modelVersion: 0 }, 'modelVersion'],
    ['CaseOpened', { ...opened, at: 'gisteren' }, 'at'],
    ['CaseTransitioned', { caseId: 'c1', from: 'ave-1', responsibilities: {} }, 'to'],
    ['CaseTransitioned', { caseId: 'c1', from: 'ave-1', to: 123, responsibilities: {} }, 'to'],
    ['CaseTransitioned', { caseId: 'c1', from: 'ave-1', to: 'ave-2' }, 'responsibilities'],
    ['CaseTransitioned', { caseId: 'c1', from: 'ave-1', to: 'ave-2', responsibilities: { casusregie: 5 } }, 'responsibilities'],
    ['CaseTransitioned', { caseId: 'c1', from: 'ave-1', to: 'ave-2', responsibilities: { wie: 'x' } }, 'responsibilities'],
    ['CaseTransitioned', { caseId: 'c1', from: 'ave-1', to: 'ave-2', responsibilities: {}, modelId: 4 }, 'modelId'],
    ['RegieHandedOver', { caseId: 'c1', responsibility: 'iets', to: 'ggd' }, 'responsibility'],
    ['SignalAddedToCase', { caseId: 'c1' }, 'signalId'],
    ['CaseNoteAdded', { caseId: 'c1', text: 'x', at }, 'visibility'],
    ['CaseReferred', { caseId: 'c1', table: 'riec', reason: 'r' }, 'referralId'],
    ['DeadlineBreached', { caseId: 'c1', state: 'ontvangst' }, 'definitionId'],
    ['MayorInformed', { caseId: 'c1' }, 'state'],
    ['ReporterMayBeInformed', { caseId: 'c1', state: '' }, 'state'],
    ['CaseClosed', { caseId: '', state: 'x' }, 'caseId'],
  ])('refuses a %s whose field is missing or wrong (%#)', (type, payload, field) => {
    expect(caseSheetEventProblem(type, payload as Record<string, unknown>)).toMatch(new RegExp(`^${field}: `));
  });

  // A transition into the same state escalates nothing; without `from` it would be read as a move, and escalate again.
  it('refuses a CaseTransitioned without the state it left', () => {
    expect(caseSheetEventProblem('CaseTransitioned', { caseId: 'c1', to: 'ave-4', responsibilities: {} })).toMatch(/^from: /);
  });

  // A referral waiting for its signal facts goes out in the batch that records the last of them: one that could not
  // go out (its date or actor missing) would fail that batch, and with it the signal and every other referral waiting for it.
  it.each([
    [{ ...referred, at: undefined }, 'at'],
    [{ ...referred, at: 'gisteren' }, 'at'],
    [{ ...referred, actor: undefined }, 'actor'],
    [{ ...referred, actor: 'coordinator-anna' }, 'actor'],
    [{ ...referred, actor: { role: 'coordinator' } }, 'actor'],
    [{ ...referred, actor: { id: 'coordinator-anna', role: 'burgemeester' } }, 'actor'],
  ])('refuses a CaseReferred without when and by whom it was referred (%#)', (payload, field) => {
    expect(caseSheetEventProblem('CaseReferred', payload as Record<string, unknown>)).toMatch(new RegExp(`^${field}: `));
  });
});
