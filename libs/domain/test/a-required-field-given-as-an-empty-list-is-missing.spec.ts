import { decideCase, ONDERMIJNING_INTAKE_MODEL } from '../src/index.js';
import { caseIn, COORDINATOR, refusal, testContext, types } from './case.fixtures.js';

/**
 * A required transition field must say something: `[]` or a list of blank texts says as little as `''`. The
 * intake protocol's "geen gemeentelijke taak" requires where the signal was referred to (`doorverwezenNaar`).
 */

const take = (doorverwezenNaar: unknown) => ({
  type: 'TakeTransition' as const,
  transition: 'geen-gemeentelijke-taak',
  reason: 'Geen taak voor de gemeente',
  fields: { doorverwezenNaar },
  actor: COORDINATOR,
});

describe('a required field given as an empty list, or a list of blanks, is missing', () => {
  const ctx = testContext();
  const { state } = caseIn(ONDERMIJNING_INTAKE_MODEL, 'weging-2', ctx);

  it.each<[string, unknown]>([
    ['an empty list', []],
    ['a list of one empty text', ['']],
    ['a list of blank texts', [' ', '\t']],
  ])('refuses %s with CASE.FIELD_REQUIRED', (_name, value) => {
    expect(refusal(() => decideCase(take(value), state, ctx))).toMatchObject({
      code: 'CASE.FIELD_REQUIRED',
      details: { transition: 'geen-gemeentelijke-taak', field: 'doorverwezenNaar' },
    });
  });

  it('takes a list with at least one non-blank text', () => {
    expect(types(decideCase(take(['', 'belastingdienst']), state, ctx))[0]).toBe('CaseTransitioned');
  });
});
