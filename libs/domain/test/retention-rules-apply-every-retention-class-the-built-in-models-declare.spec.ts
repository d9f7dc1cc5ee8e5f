import { describe, expect, it } from '@jest/globals';
import {
  assertValidRetentionConfig,
  BUILT_IN_MODEL_VERSIONS,
  BUILT_IN_RETENTION_CONFIG,
  validateRetentionConfig,
  validateRetentionConfigClasses,
  type RetentionConfig,
  type RetentionRule,
} from '../src/index.js';

/**
 * A rules file replaces the built-in rules. The built-in intake model declares on its "no action" state the
 * retention class of the CCV protocol (one year encrypted, then destroyed); a file that applies no rule to it
 * silently moves those cases to a longer rule, or keeps them for ever. So a file with no rules at all is refused,
 * and so is one that leaves a retention class a built-in model version declares without a rule that applies it
 * (the same check publishing a new model version gets: `MODEL.RETENTION_CLASS_UNKNOWN`).
 */

const KLASSE = 'een-jaar-versleuteld-dan-vernietigen';
/** Model id → the classes its closing states declare over all its versions, as the router computes it at start-up. */
const classesByModel = (): Map<string, Set<string>> => {
  const map = new Map<string, Set<string>>();
  for (const m of BUILT_IN_MODEL_VERSIONS) {
    const classes = map.get(m.id) ?? new Set<string>();
    for (const s of m.states) if (s.terminal && s.retentionClass) classes.add(s.retentionClass);
    map.set(m.id, classes);
  }
  return map;
};
const rule = (id: string, outcome: RetentionRule['outcome'], sources?: RetentionRule['sources']): RetentionRule => ({
  id,
  title: `Regel ${id} van de gemeente`,
  ...(sources ? { sources } : {}),
  outcome,
  keep: { amount: 1, unit: 'years' },
});
const config = (...rules: RetentionRule[]): RetentionConfig => ({ rules });
const problemsOf = (c: RetentionConfig) => validateRetentionConfigClasses(c, classesByModel());
const notApplied = (decided: string, known = 'none') =>
  `built-in model "ondermijning-intake": state "geen-actie" declares retention class "${KLASSE}", but no rule applies it to a case closed there (classes the rules apply there: ${known}${decided})`;

describe('a rules file with no rules is refused', () => {
  it('{"rules": []} would destroy nothing, ever', () => {
    expect(validateRetentionConfig({ rules: [] })).toEqual([{ path: 'rules', message: 'must name at least one retention rule: without one no personal data is ever destroyed' }]);
    expect(() => assertValidRetentionConfig({ rules: [] })).toThrow(/invalid retention rules:\n {2}- rules: must name at least one retention rule/);
  });
});

describe('a rules file applies every retention class a built-in model version declares (checked at start-up)', () => {
  it('the built-in rules do', () => {
    expect(problemsOf(BUILT_IN_RETENTION_CONFIG)).toEqual([]);
  });

  it('a file with a rule naming the class, first for the sources it takes, does', () => {
    expect(problemsOf(config(rule('geen-actie', { kind: 'case-closed', retentionClasses: [KLASSE] }, ['mma', 'intern-meldpunt']), rule('vijf-jaar', { kind: 'case-closed' })))).toEqual([]);
  });

  it('refuses a file without such a rule, saying which rule decides instead', () => {
    expect(problemsOf(config(rule('vijf-jaar', { kind: 'case-closed' }), rule('afgewezen', { kind: 'dismissed' })))).toEqual([
      { path: 'rules', message: notApplied('; rule "vijf-jaar" comes first and decides for such a case') },
    ]);
    expect(problemsOf(config(rule('afgewezen', { kind: 'dismissed' })))).toEqual([{ path: 'rules', message: notApplied('') }]);
  });

  it('refuses a rule naming the class behind a broader rule that decides first', () => {
    const shadowed = config(rule('vijf-jaar', { kind: 'case-closed' }), rule('geen-actie', { kind: 'case-closed', retentionClasses: [KLASSE] }));
    expect(problemsOf(shadowed)).toEqual([{ path: 'rules', message: notApplied('; rule "vijf-jaar" comes first and decides for such a case', KLASSE) }]);
  });

  it('reports a misspelt class and the class left without a rule', () => {
    expect(problemsOf(config(rule('geen-actie', { kind: 'case-closed', retentionClasses: ['een-jaar'] })))).toEqual([
      { path: 'rules[0].outcome.retentionClasses[0]', message: `rule "geen-actie": no closing state of any model declares retention class "een-jaar" (known retention classes: ${KLASSE})` },
      { path: 'rules', message: notApplied('', 'een-jaar') },
    ]);
  });
});
