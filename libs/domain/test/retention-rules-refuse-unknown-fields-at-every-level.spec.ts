import { describe, expect, it } from '@jest/globals';
import { assertValidRetentionConfig, BUILT_IN_RETENTION_CONFIG, validateRetentionConfig } from '../src/index.js';

/**
 * A misspelt key in a retention rules file is refused wherever it is: `keep.amout` next to a valid `unit` would
 * otherwise be read as a period without its amount, and a misspelt `retentionClass` would widen the rule to every
 * closed case. Each problem names its path, and the known key it was probably meant to be.
 */

const rule = (extra: Record<string, unknown> = {}) => ({
  id: 'geen-actie',
  title: 'Geen actie: een jaar na het besluit vernietigen',
  outcome: { kind: 'case-closed', retentionClasses: ['een-jaar-versleuteld-dan-vernietigen'] },
  keep: { amount: 1, unit: 'years' },
  ...extra,
});
const messages = (config: unknown) => validateRetentionConfig(config).map((p) => `${p.path}: ${p.message}`);

describe('a retention rules file refuses a key it does not know, at every level', () => {
  it('the built-in rules have none', () => {
    expect(validateRetentionConfig(BUILT_IN_RETENTION_CONFIG)).toEqual([]);
    expect(validateRetentionConfig({ rules: [rule()] })).toEqual([]);
  });

  it('at the top level', () => {
    expect(messages({ rules: [rule()], subject: {} })).toEqual(['subject: unknown field "subject" (did you mean "subjects"?); allowed: rules, subjects']);
  });

  it('on a rule', () => {
    expect(messages({ rules: [rule({ source: ['mma'] })] })).toEqual(['rules[0].source: rule "geen-actie": unknown field "source" (did you mean "sources"?); allowed: id, title, sources, outcome, keep']);
  });

  it('in keep: keep.amout is refused', () => {
    expect(messages({ rules: [rule({ keep: { amout: 1, amount: 1, unit: 'years' } })] })).toEqual([
      'rules[0].keep.amout: rule "geen-actie": unknown field "amout" (did you mean "amount"?); allowed: amount, unit',
    ]);
  });

  it('in an outcome: a misspelt field is unknown; a field of another kind of outcome does not apply', () => {
    expect(messages({ rules: [rule({ outcome: { kind: 'case-closed', retentionClass: ['een-jaar-versleuteld-dan-vernietigen'] } })] })).toEqual([
      'rules[0].outcome.retentionClass: rule "geen-actie": unknown field "retentionClass" (did you mean "retentionClasses"?); allowed: kind, model, states, retentionClasses',
    ]);
    expect(messages({ rules: [rule({ outcome: { kind: 'dismissed', model: 'ave' } })] })).toEqual(['rules[0].outcome.model: rule "geen-actie": "model" does not apply to outcome dismissed']);
  });

  it('in subjects and its period', () => {
    expect(messages({ rules: [rule()], subjects: { keepNeverLinked: { amount: 2, unit: 'years', unti: 'years' }, keepNeverlinked: {} } })).toEqual([
      'subjects.keepNeverlinked: unknown field "keepNeverlinked" (did you mean "keepNeverLinked"?); allowed: keepNeverLinked',
      'subjects.keepNeverLinked.unti: subjects: unknown field "unti" (did you mean "unit"?); allowed: amount, unit',
    ]);
  });

  it('stops the start-up with RETENTION.CONFIG_INVALID naming the path', () => {
    expect(() => assertValidRetentionConfig({ rules: [rule({ keep: { amout: 1, unit: 'years' } })] })).toThrow(/rules\[0\]\.keep\.amout: rule "geen-actie": unknown field "amout" \(did you mean "amount"\?\)/);
  });
});
