import { describe, expect, it } from '@jest/globals';
import {
  AVE_MODEL,
  decideCase,
  decideEscalationReport,
  decideReceiveSignal,
  decideReferral,
  decideSignalTriage,
  isBlankText,
  isVisibleText,
  mapCaseCommandText,
  newSignalTriageState,
  type CaseCommand,
  type ReceiveSignalCommand,
} from '../src/index.js';
import { caseIn, COORDINATOR, refusal, testContext } from './case.fixtures.js';
import { LIAISON, min, raised } from './escalation.fixtures.js';
import { CONTEXT, mmaInput } from './signal.fixtures.js';

/**
 * One rule for "blank": text with nothing visible once whitespace (NBSP included) and invisible characters (format
 * characters such as zero-width space, joiners, word joiner and BOM; other default-ignorables) are left out. Every
 * rule that refuses blank text refuses it, and legitimate text with invisible characters inside is not blank.
 */

const INVISIBLE_ONLY: readonly [string, string][] = [
  ['a zero-width space', '\u200b'],
  ['a zero-width non-joiner and joiner', '\u200c\u200d'],
  ['a word joiner', '\u2060'],
  ['a byte order mark', '\ufeff'],
  ['bidi marks', '\u200e\u200f'],
  ['a soft hyphen', '\u00ad'],
  ['a Hangul filler', '\u3164'],
  ['a variation selector', '\ufe0f'],
  ['non-breaking spaces around a zero-width space', '\u00a0\u200b\u00a0'],
  ['spaces, tabs and new lines', ' \t\r\n '],
  ['nothing', ''],
];

const VISIBLE: readonly [string, string][] = [
  ['a Dutch name with a diaeresis and the ij ligature', 'Zoë van Ĳsselstein'],
  ['a letter with a combining mark', 'Rene\u0301'],
  ['an Arabic name', 'محمد العلي'],
  ['an RTL mark before an Arabic name', '\u200fمحمد'],
  ['an emoji joined by zero-width joiners', '👨‍👩‍👧'],
  ['a flag emoji', '🇳🇱'],
  ['one letter between zero-width spaces', '\u200bx\u200b'],
];

describe('text with nothing visible is blank', () => {
  it.each(INVISIBLE_ONLY)('%s is blank', (_name, text) => {
    expect(isBlankText(text)).toBe(true);
    expect(isVisibleText(text)).toBe(false);
  });

  it.each(VISIBLE)('%s is not blank', (_name, text) => {
    expect(isBlankText(text)).toBe(false);
    expect(isVisibleText(text)).toBe(true);
  });

  it('only text can be visible text', () => {
    for (const value of [undefined, null, 42, ['x'], { text: 'x' }]) expect(isVisibleText(value)).toBe(false);
  });
});

describe('case commands refuse invisible text as they refuse blank text', () => {
  const ctx = testContext();
  const { state } = caseIn(AVE_MODEL, 'ave-3', ctx);

  it.each<[string, CaseCommand, string]>([
    ['a responsibility handed to an invisible holder', { type: 'HandOverRegie', responsibility: 'casusregie', holder: '\u200b', reason: 'Overdracht', actor: COORDINATOR }, 'CASE.FIELD_REQUIRED'],
    ['a handover whose reason is a word joiner', { type: 'HandOverRegie', responsibility: 'casusregie', holder: 'zvh', reason: '\u2060', actor: COORDINATOR }, 'CASE.REASON_REQUIRED'],
    ['a note of zero-width joiners', { type: 'AddNote', text: '\u200c\u200d', visibility: 'intern', actor: COORDINATOR }, 'CASE.FIELD_REQUIRED'],
    ['a measure whose owner is a BOM', { type: 'SetPlan', measures: [{ type: 'fiscaal', description: 'Controle', owner: '\ufeff', dueDate: '2025-07-01' }], actor: COORDINATOR }, 'CASE.FIELD_REQUIRED'],
    ['a measure whose description is a zero-width space', { type: 'SetPlan', measures: [{ type: 'fiscaal', description: '\u200b', owner: 'politie', dueDate: '2025-07-01' }], actor: COORDINATOR }, 'CASE.FIELD_REQUIRED'],
  ])('%s', (_name, command, code) => {
    expect(refusal(() => decideCase(command, state, ctx)).code).toBe(code);
  });

  it('a handover to a holder named in Arabic, with an RTL mark, is taken', () => {
    const events = decideCase({ type: 'HandOverRegie', responsibility: 'casusregie', holder: '\u200fفريق الحي', reason: 'Overdracht', actor: COORDINATOR }, state, ctx);
    expect(events).toEqual([expect.objectContaining({ type: 'RegieHandedOver', to: '\u200fفريق الحي' })]);
  });

  it('invisible text is not sealed, so the decider still sees it is blank', () => {
    const sealed = mapCaseCommandText({ type: 'AddNote', text: '\u200b', visibility: 'intern', actor: COORDINATOR }, (text) => `sealed(${text})`);
    expect(sealed).toEqual(expect.objectContaining({ text: '\u200b' }));
  });
});

describe('intake, liaison reports, table decisions and triage refuse invisible text', () => {
  it('an MMA tip whose description is a zero-width space: SIGNAL.FIELD_INVALID naming the field', () => {
    const command = { source: 'mma', input: mmaInput({ description: '\u200b' }) } as ReceiveSignalCommand;
    expect(() => decideReceiveSignal(command, CONTEXT)).toThrow(expect.objectContaining({ code: 'SIGNAL.FIELD_INVALID', details: expect.objectContaining({ field: 'description' }) }));
  });

  it('a police report back whose text is a word joiner: ESCALATION.REPORT_TEXT_REQUIRED', () => {
    const { state } = raised();
    expect(() => decideEscalationReport(state, { outcome: 'actie-ondernomen', text: '\u2060' }, LIAISON, min(10))).toThrow(expect.objectContaining({ code: 'ESCALATION.REPORT_TEXT_REQUIRED' }));
  });

  it('a referral returned with an invisible reason: REFERRAL.REASON_REQUIRED', () => {
    const open = { referralId: 'r', status: 'open', acceptBy: null, remindAt: null, remindedAt: null, overdueAt: null } as const;
    expect(() => decideReferral(open, { outcome: 'returned', reason: '\ufeff\u200b' })).toThrow(expect.objectContaining({ code: 'REFERRAL.REASON_REQUIRED' }));
  });

  it('a signal dismissed with five zero-width spaces: the reason is refused, whatever its length', () => {
    const state = newSignalTriageState('sig-1', 'GM0153', null);
    expect(() => decideSignalTriage({ type: 'DismissSignal', reason: '\u200b'.repeat(5) }, state, { seal: (text: string) => text })).toThrow(expect.objectContaining({ code: 'SIGNAL.DISMISSAL_REASON_INVALID' }));
  });
});
