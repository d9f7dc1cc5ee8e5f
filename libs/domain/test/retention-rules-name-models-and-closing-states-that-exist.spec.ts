import { BUILT_IN_MODELS, BUILT_IN_RETENTION_CONFIG, validateRetentionConfigModels, type RetentionConfig, type RetentionRule } from '../src/index.js';

/**
 * A retention rule that names a model or a closing state nobody has never matches a case, so signals fall
 * through to a later (usually shorter) rule and are destroyed too early — irreversibly. The rules are
 * therefore checked against the models the router knows: model id → the ids of its closing (terminal)
 * states, over all its versions (a case is only closed in a terminal state, so only those can ever match).
 */

const closingStates = (extra: Record<string, string[]> = {}): Map<string, Set<string>> => {
  const map = new Map<string, Set<string>>();
  for (const m of BUILT_IN_MODELS) map.set(m.id, new Set(m.states.filter((s) => s.terminal).map((s) => s.id)));
  for (const [id, states] of Object.entries(extra)) map.set(id, new Set(states));
  return map;
};
const rule = (id: string, outcome: RetentionRule['outcome'], amount = 1): RetentionRule => ({
  id,
  title: `Regel ${id} voor de test`,
  sources: ['zorgmelding'],
  outcome,
  keep: { amount, unit: 'years' },
});
const config = (...rules: RetentionRule[]): RetentionConfig => ({ rules });

describe('retention rules name models and closing states that exist', () => {
  it('the built-in rules pass against the built-in models', () => {
    expect(validateRetentionConfigModels(BUILT_IN_RETENTION_CONFIG, closingStates())).toEqual([]);
  });

  it('refuses a misspelt model (the rule would never match and a later one-year rule would shred Wvggz signals), naming the path, the id and the known models', () => {
    const problems = validateRetentionConfigModels(
      config(rule('wvggz-vijf-jaar', { kind: 'case-closed', model: 'wvggz-verkennend-onderzoe' }, 5), rule('zorg-een-jaar', { kind: 'case-closed' })),
      closingStates(),
    );
    expect(problems).toEqual([
      {
        path: 'rules[0].outcome.model',
        message: 'rule "wvggz-vijf-jaar": unknown model "wvggz-verkennend-onderzoe" (known models: 7-stappenmodel, ave, ondermijning-intake, wvggz-verkennend-onderzoek)',
      },
    ]);
  });

  it('refuses a misspelt state of the named model, naming the path, the id and that model\'s closing states', () => {
    const problems = validateRetentionConfigModels(
      config(rule('goed', { kind: 'dismissed' }), rule('ondermijning', { kind: 'case-closed', model: 'ondermijning-intake', states: ['niet-ondermijnend', 'geen-gemeentelijke-taak', 'geen-aktie'] })),
      closingStates(),
    );
    expect(problems).toEqual([
      {
        path: 'rules[1].outcome.states[2]',
        message:
          'rule "ondermijning": "geen-aktie" is not a closing state of model "ondermijning-intake" (its closing states: afgesloten, geen-actie, geen-gemeentelijke-taak, gemeentelijke-afdeling, niet-ondermijnend)',
      },
    ]);
  });

  it('refuses a state that exists but does not close a case (no closed case is ever in it)', () => {
    const problems = validateRetentionConfigModels(config(rule('riec', { kind: 'case-closed', model: 'ondermijning-intake', states: ['riec'] })), closingStates());
    expect(problems.map((p) => p.path)).toEqual(['rules[0].outcome.states[0]']);
    expect(problems[0]!.message).toContain('"riec" is not a closing state of model "ondermijning-intake"');
  });

  it('without a model, a state must close a case of some model', () => {
    expect(validateRetentionConfigModels(config(rule('alle-afgesloten', { kind: 'case-closed', states: ['afgesloten', 'gestopt-na-2a'] })), closingStates())).toEqual([]);
    expect(validateRetentionConfigModels(config(rule('typo', { kind: 'case-closed', states: ['afgeslotne'] })), closingStates())).toEqual([
      {
        path: 'rules[0].outcome.states[0]',
        message: expect.stringMatching(/^rule "typo": "afgeslotne" is not a closing state of any model \(closing states: aanvraag-ovj, afgesloten, .*, vrijwillige-zorg\)$/),
      },
    ]);
  });

  it('accepts a model and states known only from a published version; an unknown model reports only the model', () => {
    const published = closingStates({ 'eigen-zorgmodel': ['doorverwezen'] });
    const rules = config(rule('eigen', { kind: 'case-closed', model: 'eigen-zorgmodel', states: ['doorverwezen'] }));
    expect(validateRetentionConfigModels(rules, published)).toEqual([]);
    expect(validateRetentionConfigModels(rules, closingStates()).map((p) => p.path)).toEqual(['rules[0].outcome.model']);
  });

  it('reports every problem, in order, and ignores outcomes that name no model', () => {
    const problems = validateRetentionConfigModels(
      config(
        rule('a', { kind: 'case-closed', model: 'ave', states: ['ave-9', 'afgesloten', 'ave-8'] }),
        rule('b', { kind: 'not-in-case' }),
        rule('c', { kind: 'case-closed', model: 'av' }),
      ),
      closingStates(),
    );
    expect(problems.map((p) => p.path)).toEqual(['rules[0].outcome.states[0]', 'rules[0].outcome.states[2]', 'rules[2].outcome.model']);
  });
});
