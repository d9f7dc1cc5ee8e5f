import { describe, expect, it } from '@jest/globals';
import {
  assertValidModel,
  AVE_MODEL,
  decideCase,
  DomainError,
  echoedName,
  echoedValue,
  findReporterFields,
  MAX_ECHOED_NAME_LENGTH,
  validateModelDefinition,
  type ModelDefinition,
} from '../src/index.js';
import { caseIn, COORDINATOR, refusal, testContext } from './case.fixtures.js';

/**
 * Errors never echo submitted values, but naming the unknown key or id helps the caller. So a key or id is
 * repeated only when it is an identifier (letters, digits, `.`, `_`, `-`), and never more than 64 characters of
 * it; anything else is named by a placeholder.
 */

const PERSONAL = 'J. Jansen 111222333';
const LONG_ID = 'a'.repeat(5000);

describe('the shared rule', () => {
  it.each([
    ['a plain field name', 'priority'],
    ['a kebab-case id', 'opschalen-ave-2'],
    ['an id with letters outside ASCII', 'essentiële-naaste'],
  ])('%s is repeated as it is', (_name, name) => {
    expect(echoedName(name, 'a field name')).toBe(name);
  });

  it.each([
    ['a name and a BSN', PERSONAL],
    ['an e-mail address', 'jan@example.nl'],
    ['text with a zero-width space', 'prio\u200brity'],
    ['an empty key', ''],
  ])('%s is replaced by a placeholder', (_name, name) => {
    expect(echoedName(name, 'a field name')).toBe('(a field name that is not an identifier)');
  });

  it('a long identifier is cut to 64 characters, never split inside a character', () => {
    expect(echoedName(LONG_ID)).toHaveLength(MAX_ECHOED_NAME_LENGTH);
    expect(Array.from(echoedName('𝒜'.repeat(100)))).toHaveLength(MAX_ECHOED_NAME_LENGTH);
  });

  it('a value that is no text is named by what it is, never by its content', () => {
    expect([echoedValue('ave'), echoedValue(PERSONAL, 'a state id'), echoedValue(undefined), echoedValue(3), echoedValue([PERSONAL]), echoedValue({ bsn: '111222333' })]).toEqual([
      '"ave"',
      '(a state id that is not an identifier)',
      '(missing)',
      '3',
      '(a list)',
      '(an object)',
    ]);
  });
});

describe('MODEL.INVALID names states and fields without repeating what is no identifier', () => {
  const model = (): ModelDefinition => ({
    id: PERSONAL,
    version: 1,
    title: 'T',
    description: 'D',
    initialState: LONG_ID,
    states: [
      { id: LONG_ID, title: 'A' },
      { id: 'klaar', title: 'Klaar', terminal: true },
    ],
    transitions: [{ name: 'weg', from: [LONG_ID], to: LONG_ID, rolesAllowed: ['coordinator'] }],
    deadlines: [],
  });

  it('a 5,000-character state id is named by its first 63 characters and an ellipsis, the answer stays small', () => {
    const error = refusal(() => assertValidModel(model()));
    const answer = JSON.stringify({ message: error.message, details: error.details });
    expect(answer).not.toContain('a'.repeat(MAX_ECHOED_NAME_LENGTH + 1));
    expect(error.message).toContain(`state "${'a'.repeat(MAX_ECHOED_NAME_LENGTH - 1)}…"`);
    expect(answer.length).toBeLessThan(4000);
  });

  it('a model id that is a name and a BSN is not repeated, in the message or in details', () => {
    const error = refusal(() => assertValidModel(model()));
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('111222333');
    expect(error.details).toEqual(expect.objectContaining({ modelId: '(a model id that is not an identifier)' }));
  });

  it('an unknown field that is no identifier is named by a placeholder, in its path and in its message', () => {
    const problems = validateModelDefinition({ ...model(), [PERSONAL]: 'x', regie: 'x' });
    expect(problems.filter((p) => p.code === 'FIELD_UNKNOWN')).toEqual([
      { code: 'FIELD_UNKNOWN', path: '(a field name that is not an identifier)', message: expect.stringContaining('has an unknown field (a field name that is not an identifier)') },
      { code: 'FIELD_UNKNOWN', path: 'regie', message: expect.stringContaining('has an unknown field "regie"') },
    ]);
    expect(JSON.stringify(problems)).not.toContain('111222333');
  });
});

describe('CASE.FIELD_UNKNOWN names a field only when it is an identifier', () => {
  const ctx = testContext();
  const { state } = caseIn(AVE_MODEL, 'ave-3', ctx);
  const attempt = (fields: Record<string, unknown>) => refusal(() => decideCase({ type: 'TakeTransition', transition: 'afschalen-ave-2', reason: 'Rust', fields, actor: COORDINATOR }, state, ctx));

  it('a misspelt field is named, to help the caller', () => {
    const error = attempt({ prioriteit: 'hoog' });
    expect(error.code).toBe('CASE.FIELD_UNKNOWN');
    expect(error.message).toContain('"prioriteit"');
    expect(error.details).toEqual(expect.objectContaining({ field: 'prioriteit' }));
  });

  it('a field named after a person and a BSN is not repeated', () => {
    const error = attempt({ [PERSONAL]: 'x' });
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('CASE.FIELD_UNKNOWN');
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('111222333');
    expect(error.details).toEqual(expect.objectContaining({ field: '(a field name that is not an identifier)' }));
  });
});

describe('SIGNAL.REPORTER_NOT_ALLOWED paths name keys only as the rule allows', () => {
  it('a reporter key holding a name and a phone number is listed by a placeholder, an identifier by its name', () => {
    const paths = findReporterFields({ melderNaam: 'x', extra: { 'melder J. Jansen 0612345678': 'x' } });
    expect(paths).toEqual(['$.melderNaam', "$.extra['(a field name that is not an identifier)']"]);
  });
});
