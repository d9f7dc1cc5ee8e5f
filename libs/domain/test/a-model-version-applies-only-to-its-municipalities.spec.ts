import {
  AVE_MODEL,
  BUILT_IN_MODELS,
  decideCase,
  defaultModelVersion,
  freezeModel,
  MAX_MODEL_MUNICIPALITIES,
  modelAppliesTo,
  modelResolverOf,
  NO_CASE,
  validateModelDefinition,
  type CaseCommand,
  type ModelDefinition,
  type ModelProblem,
} from '../src/index.js';
import { caseIn, openCommand, refusal, testContext, types } from './case.fixtures.js';

/**
 * A published model version may be limited to municipalities (`municipalities`, CBS codes): AVE is a coat rack each
 * municipality fills in with its own protocols, so Leeuwarden's AVE version 2 must not become every municipality's
 * AVE. Without the field a version applies everywhere (the built-ins have none).
 */

const LEEUWARDEN = 'GM0080';
const ENSCHEDE = 'GM0153';

/** AVE version 2 for Leeuwarden only. */
const AVE_V2_LEEUWARDEN: ModelDefinition = freezeModel({ ...structuredClone(AVE_MODEL), version: 2, municipalities: [LEEUWARDEN] });

/** `AVE_MODEL` as version 2 with `municipalities` set to `value` (anything, as a JSON body may carry). */
const withMunicipalities = (value: unknown): unknown => ({ ...structuredClone(AVE_MODEL), version: 2, municipalities: value });
const problemsOf = (value: unknown): ModelProblem[] => validateModelDefinition(withMunicipalities(value));

describe('a model version names the municipalities it is for, or none (then it is for every municipality)', () => {
  it('the built-in models name none: they are for every municipality', () => {
    for (const model of BUILT_IN_MODELS) {
      expect(model.municipalities).toBeUndefined();
      expect(modelAppliesTo(model, ENSCHEDE)).toBe(true);
    }
  });

  it('a version limited to Leeuwarden is valid, applies to Leeuwarden and to no other municipality', () => {
    expect(validateModelDefinition(AVE_V2_LEEUWARDEN)).toEqual([]);
    expect(modelAppliesTo(AVE_V2_LEEUWARDEN, LEEUWARDEN)).toBe(true);
    expect(modelAppliesTo(AVE_V2_LEEUWARDEN, ENSCHEDE)).toBe(false);
  });

  it('a published version cannot be changed in place: its list of municipalities is frozen too', () => {
    expect(Object.isFrozen(AVE_V2_LEEUWARDEN.municipalities)).toBe(true);
  });

  it.each<[string, unknown, ModelProblem['code'], RegExp]>([
    ['an empty list (a version for nobody)', [], 'MUNICIPALITIES_INVALID', /at least one/],
    ['a single code instead of a list', LEEUWARDEN, 'MUNICIPALITIES_INVALID', /must be a list/],
    ['null', null, 'MUNICIPALITIES_INVALID', /must be a list/],
    ['more codes than any region has', Array.from({ length: MAX_MODEL_MUNICIPALITIES + 1 }, (_, i) => `GM${String(i).padStart(4, '0')}`), 'MUNICIPALITIES_INVALID', /at most 500/],
    ['a name instead of a CBS code', [LEEUWARDEN, 'Leeuwarden'], 'MUNICIPALITY_INVALID', /"Leeuwarden" is not a CBS code/],
    ['a code in lower case', ['gm0080'], 'MUNICIPALITY_INVALID', /"gm0080" is not a CBS code/],
    ['a number', [80], 'MUNICIPALITY_INVALID', /80 is not a CBS code/],
    ['the same code twice', [LEEUWARDEN, ENSCHEDE, LEEUWARDEN], 'MUNICIPALITY_DUPLICATE', /"GM0080" is listed more than once/],
  ])('refuses %s, naming the problem', (_name, value, code, message) => {
    const problems = problemsOf(value);
    expect(problems.map((p) => p.code)).toEqual([code]);
    expect(problems[0]!.path).toMatch(/^municipalities/);
    expect(problems[0]!.message).toMatch(message);
  });

  it('points at the entry that is wrong', () => {
    expect(problemsOf([LEEUWARDEN, 'x', LEEUWARDEN]).map((p) => p.path)).toEqual(['municipalities[1]', 'municipalities[2]']);
  });
});

describe('a case is opened only on a version that is for its municipality', () => {
  it('opens a Leeuwarden case on the Leeuwarden version', () => {
    const ctx = testContext(modelResolverOf([AVE_MODEL, AVE_V2_LEEUWARDEN]));
    const events = decideCase(openCommand(AVE_V2_LEEUWARDEN, { municipality: LEEUWARDEN }), NO_CASE, ctx);
    expect(events[0]).toMatchObject({ type: 'CaseOpened', municipality: LEEUWARDEN, modelVersion: 2 });
  });

  it('refuses to open an Enschede case on the Leeuwarden version with MODEL.NOT_FOR_MUNICIPALITY, naming model, version and municipality', () => {
    const ctx = testContext(modelResolverOf([AVE_MODEL, AVE_V2_LEEUWARDEN]));
    const refused = refusal(() => decideCase(openCommand(AVE_V2_LEEUWARDEN, { municipality: ENSCHEDE }), NO_CASE, ctx));
    expect(refused).toMatchObject({ code: 'MODEL.NOT_FOR_MUNICIPALITY', details: { model: 'ave', version: 2, municipality: ENSCHEDE } });
  });
});

describe('a case moves only to a version that is for its municipality', () => {
  const migrate = (toModel: ModelDefinition): CaseCommand => ({
    type: 'MigrateModelVersion',
    toModel,
    stateMapping: {},
    reason: 'Nieuwe regionale afspraken',
    actor: { id: 'admin-1', role: 'admin' },
  });

  it('refuses to move an Enschede case to the Leeuwarden version with MODEL.NOT_FOR_MUNICIPALITY', () => {
    const ctx = testContext(modelResolverOf([AVE_MODEL, AVE_V2_LEEUWARDEN]));
    const { state } = caseIn(AVE_MODEL, 'ave-2', ctx, { municipality: ENSCHEDE });
    const refused = refusal(() => decideCase(migrate(AVE_V2_LEEUWARDEN), state, ctx));
    expect(refused).toMatchObject({ code: 'MODEL.NOT_FOR_MUNICIPALITY', details: { model: 'ave', version: 2, municipality: ENSCHEDE } });
  });

  it('moves a Leeuwarden case to the Leeuwarden version', () => {
    const ctx = testContext(modelResolverOf([AVE_MODEL, AVE_V2_LEEUWARDEN]));
    const { state } = caseIn(AVE_MODEL, 'ave-2', ctx, { municipality: LEEUWARDEN });
    expect(types(decideCase(migrate(AVE_V2_LEEUWARDEN), state, ctx))[0]).toBe('CaseModelMigrated');
  });
});

describe('the default version of a municipality: its own newest, else the newest for all', () => {
  const v = (version: number, municipalities?: string[]) => ({ version, ...(municipalities ? { municipalities } : {}) });
  const versionOf = (list: ReturnType<typeof v>[], m: string) => defaultModelVersion(list, m, (x) => x)?.version;

  it('a newer version for all does not replace a version published for the municipality by name', () => {
    const list = [v(1), v(2, ['GM0080']), v(3)];
    expect(versionOf(list, 'GM0080')).toBe(2);
    expect(versionOf(list, 'GM0153')).toBe(3);
  });

  it('another municipality’s version is never a default; without a version for all there is none', () => {
    expect(versionOf([v(1, ['GM0080']), v(2, ['GM0080', 'GM0153'])], 'GM0153')).toBe(2);
    expect(versionOf([v(1, ['GM0080'])], 'GM0153')).toBeUndefined();
    expect(versionOf([v(1), v(2, ['GM0080'])], 'GM0153')).toBe(1);
  });
});
