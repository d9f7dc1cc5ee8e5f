import {
  AVE_MODEL,
  BUILT_IN_MODELS,
  BUILT_IN_RETENTION_CONFIG,
  ONDERMIJNING_INTAKE_MODEL,
  retentionDecision,
  unenforcedRetentionClasses,
  validateModelDefinition,
  validateRetentionConfigClasses,
  type ModelDefinition,
  type RetentionConfig,
  type RetentionRule,
} from '../src/index.js';

/**
 * A model's terminal state may declare a retention class (`geen-actie`: "one year encrypted, then destroyed");
 * rules match it by that class, so renaming the state in a new version does not silently move its cases to a
 * longer rule. Both sides are checked: a rule naming a class no model declares never matches (start-up stops),
 * and a model version declaring a class no rule applies to it makes a promise the product does not keep
 * (publishing is refused).
 */

const KLASSE = 'een-jaar-versleuteld-dan-vernietigen';
/** Model id → the retention classes its closing states declare, over all its versions. */
const classesByModel = (extra: Record<string, string[]> = {}): Map<string, Set<string>> => {
  const map = new Map<string, Set<string>>();
  for (const m of BUILT_IN_MODELS) map.set(m.id, new Set(m.states.flatMap((s) => (s.terminal && s.retentionClass ? [s.retentionClass] : []))));
  for (const [id, classes] of Object.entries(extra)) map.set(id, new Set(classes));
  return map;
};
const rule = (id: string, outcome: RetentionRule['outcome']): RetentionRule => ({ id, title: `Regel ${id} voor de test`, outcome, keep: { amount: 1, unit: 'years' } });
/** A rules file: the rules given, then one applying the class the built-in intake model declares (every file must apply it). */
const config = (...rules: RetentionRule[]): RetentionConfig => ({ rules: [...rules, rule('geen-actie-een-jaar', { kind: 'case-closed', retentionClasses: [KLASSE] })] });

/** The built-in intake model with `geen-actie` renamed (and, optionally, its class changed), as a new version. */
const renamed = (retentionClass: string | undefined = KLASSE, id = 'geen-actie-besluit'): ModelDefinition => {
  const def = structuredClone(ONDERMIJNING_INTAKE_MODEL) as unknown as { version: number; states: { id: string; retentionClass?: string }[]; transitions: { to: string }[] };
  def.version = 2;
  const state = def.states.find((s) => s.id === 'geen-actie')!;
  state.id = id;
  if (retentionClass === undefined) delete state.retentionClass;
  else state.retentionClass = retentionClass;
  for (const t of def.transitions) if (t.to === 'geen-actie') t.to = id;
  return def as unknown as ModelDefinition;
};

describe('retention rules name retention classes a model declares on a closing state (checked at start-up)', () => {
  it('the built-in rules pass against the built-in models', () => {
    expect(validateRetentionConfigClasses(BUILT_IN_RETENTION_CONFIG, classesByModel())).toEqual([]);
  });

  it('refuses a class no model declares, naming the path, the class and the known classes', () => {
    const problems = validateRetentionConfigClasses(config(rule('goed', { kind: 'dismissed' }), rule('tikfout', { kind: 'case-closed', retentionClasses: [KLASSE, 'een-jaar-versleuteld'] })), classesByModel());
    expect(problems).toEqual([
      {
        path: 'rules[1].outcome.retentionClasses[1]',
        message: `rule "tikfout": no closing state of any model declares retention class "een-jaar-versleuteld" (known retention classes: ${KLASSE})`,
      },
    ]);
  });

  it('with a model, the class must be declared by a closing state of that model', () => {
    const problems = validateRetentionConfigClasses(config(rule('ave-kort', { kind: 'case-closed', model: 'ave', retentionClasses: [KLASSE] })), classesByModel());
    expect(problems).toEqual([{ path: 'rules[0].outcome.retentionClasses[0]', message: `rule "ave-kort": no closing state of model "ave" declares retention class "${KLASSE}" (its retention classes: none)` }]);
    expect(validateRetentionConfigClasses(config(rule('intake', { kind: 'case-closed', model: 'ondermijning-intake', retentionClasses: [KLASSE] })), classesByModel())).toEqual([]);
  });

  it('counts classes known only from a published version, and leaves an unknown model to the model check', () => {
    const rules = config(rule('eigen', { kind: 'case-closed', retentionClasses: ['drie-jaar'] }));
    expect(validateRetentionConfigClasses(rules, classesByModel({ 'eigen-zorgmodel': ['drie-jaar'] }))).toEqual([]);
    expect(validateRetentionConfigClasses(rules, classesByModel()).map((p) => p.path)).toEqual(['rules[0].outcome.retentionClasses[0]']);
    expect(validateRetentionConfigClasses(config(rule('onbekend', { kind: 'case-closed', model: 'bestaat-niet', retentionClasses: ['drie-jaar'] })), classesByModel())).toEqual([]);
  });
});

describe('a model version declares only retention classes a rule applies to it (checked when it is published)', () => {
  const rules = BUILT_IN_RETENTION_CONFIG.rules;

  it('every built-in model passes under the built-in rules', () => {
    for (const model of BUILT_IN_MODELS) expect(unenforcedRetentionClasses(model, rules)).toEqual([]);
  });

  it('a renamed no-action state keeping its class passes; so does a version that declares no class', () => {
    expect(unenforcedRetentionClasses(renamed(), rules)).toEqual([]);
    expect(unenforcedRetentionClasses(renamed(undefined), rules)).toEqual([]);
  });

  it('refuses a class no rule names, with the state, the class and the classes the rules do apply there', () => {
    expect(unenforcedRetentionClasses(renamed('twee-jaar-dan-vernietigen'), rules)).toEqual([{ state: 'geen-actie-besluit', retentionClass: 'twee-jaar-dan-vernietigen', known: [KLASSE], decidedBy: 'casus-afgesloten' }]);
  });

  it('a rule that names the class but only for another model or other states does not apply it', () => {
    const onlyIntake = [rule('intake', { kind: 'case-closed', model: 'ondermijning-intake', retentionClasses: [KLASSE] })];
    const eigen = { ...structuredClone(AVE_MODEL), id: 'eigen-model', states: AVE_MODEL.states.map((s) => (s.terminal ? { ...s, retentionClass: KLASSE } : s)) } as ModelDefinition;
    expect(unenforcedRetentionClasses(eigen, onlyIntake)).toEqual([{ state: 'afgesloten', retentionClass: KLASSE, known: [], decidedBy: null }]);
    const onlyGeenActie = [rule('geen-actie', { kind: 'case-closed', states: ['geen-actie'], retentionClasses: [KLASSE] })];
    expect(unenforcedRetentionClasses(ONDERMIJNING_INTAKE_MODEL, onlyGeenActie)).toEqual([]);
    expect(unenforcedRetentionClasses(renamed(), onlyGeenActie)).toEqual([{ state: 'geen-actie-besluit', retentionClass: KLASSE, known: [], decidedBy: null }]);
  });

  it('a class a broader rule before it shadows is not applied: the first rule that matches decides', () => {
    const shadowed = [rule('alles-vijf-jaar', { kind: 'case-closed' }), rule('klasse-een-jaar', { kind: 'case-closed', retentionClasses: [KLASSE] })];
    expect(unenforcedRetentionClasses(ONDERMIJNING_INTAKE_MODEL, shadowed)).toEqual([{ state: 'geen-actie', retentionClass: KLASSE, known: [KLASSE], decidedBy: 'alles-vijf-jaar' }]);
    expect(unenforcedRetentionClasses(ONDERMIJNING_INTAKE_MODEL, [...shadowed].reverse())).toEqual([]);
  });

  it('lists every such state, in the order of the model', () => {
    const def = structuredClone(ONDERMIJNING_INTAKE_MODEL) as unknown as { states: { id: string; terminal?: boolean; retentionClass?: string }[] };
    for (const s of def.states) if (s.terminal) s.retentionClass = s.id === 'geen-actie' ? KLASSE : 'vijf-jaar';
    expect(unenforcedRetentionClasses(def as unknown as ModelDefinition, rules).map((p) => p.state)).toEqual(['niet-ondermijnend', 'geen-gemeentelijke-taak', 'gemeentelijke-afdeling', 'afgesloten']);
  });
});

describe('a published intake version whose no-action state declares no class keeps the protocol’s year', () => {
  it('is decided by ondermijning-geen-actie-zonder-klasse (one year), not by casus-afgesloten (five)', () => {
    const facts = { source: 'mma' as const, receivedAt: '2026-01-05T10:00:00Z', dismissedAt: null, case: { model: 'ondermijning-intake', state: 'geen-actie', retentionClass: null, closedAt: '2026-02-02T10:00:00Z' } };
    const decision = retentionDecision(facts, BUILT_IN_RETENTION_CONFIG.rules, '2027-02-03');
    expect({ rule: decision?.rule.id, dueOn: decision?.dueOn, due: decision?.due }).toEqual({ rule: 'ondermijning-geen-actie-zonder-klasse', dueOn: '2027-02-02', due: true });
  });
});

describe('a model names its retention classes as the rules do', () => {
  it('refuses a class that is not kebab-case: no rule could ever name it', () => {
    const def = structuredClone(ONDERMIJNING_INTAKE_MODEL) as unknown as { states: { id: string; retentionClass?: string }[] };
    def.states.find((s) => s.id === 'geen-actie')!.retentionClass = 'Eén jaar';
    expect(validateModelDefinition(def).map((p) => ({ code: p.code, path: p.path }))).toEqual([{ code: 'SHAPE_INVALID', path: 'states[6].retentionClass' }]);
  });
});
