import {
  assertValidModel,
  BUILT_IN_MODEL_VERSIONS,
  BUILT_IN_MODELS,
  DomainError,
  validateModelDefinition,
  type ModelDefinition,
  type ModelProblem,
} from '../src/index.js';

/** A small valid model: a → b → done, with a deadline on a. */
function tiny(): ModelDefinition {
  return {
    id: 'klein',
    version: 1,
    title: 'Klein model',
    description: 'Voor tests',
    initialState: 'a',
    states: [
      { id: 'a', title: 'A', referrals: ['zvh-casusoverleg'] },
      { id: 'b', title: 'B' },
      { id: 'klaar', title: 'Klaar', terminal: true, retentionClass: 'standaard' },
    ],
    transitions: [
      { name: 'naar-b', from: ['a'], to: 'b', rolesAllowed: ['coordinator'] },
      { name: 'klaar', from: ['b'], to: 'klaar', rolesAllowed: ['coordinator'], requires: { reason: true } },
    ],
    deadlines: [{ id: 'oppakken', state: 'a', startsOn: 'state-entered', duration: { amount: 5, unit: 'working-days' } }],
  };
}

/** `tiny()` with `change` applied to a deep copy. */
function broken(change: (def: any) => void): unknown {
  const def = structuredClone(tiny());
  change(def);
  return def;
}

const codes = (problems: ModelProblem[]) => problems.map((p) => p.code);

describe('the built-in models are valid', () => {
  it.each(BUILT_IN_MODEL_VERSIONS.map((m) => [`${m.id}@${m.version}`, m] as const))('%s has no problems', (_id, model) => {
    expect(validateModelDefinition(model)).toEqual([]);
    expect(() => assertValidModel(model)).not.toThrow();
  });

  it('every built-in model ships versions 1, 2, … in order, and the newest is the one listed', () => {
    for (const model of BUILT_IN_MODELS) {
      const versions = BUILT_IN_MODEL_VERSIONS.filter((m) => m.id === model.id);
      expect(versions.map((m) => m.version)).toEqual(versions.map((_m, i) => i + 1));
      expect(versions.at(-1)).toBe(model);
    }
    expect(new Set(BUILT_IN_MODELS.map((m) => m.id)).size).toBe(BUILT_IN_MODELS.length);
    expect(new Set(BUILT_IN_MODEL_VERSIONS.map((m) => m.id))).toEqual(new Set(BUILT_IN_MODELS.map((m) => m.id)));
  });

  it('the built-in models cannot be changed in place (a change is a new version)', () => {
    const [first] = BUILT_IN_MODELS;
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.states[0])).toBe(true);
    expect(Object.isFrozen(first.transitions[0].rolesAllowed)).toBe(true);
  });

  it('the small test model is valid', () => expect(validateModelDefinition(tiny())).toEqual([]));
});

describe('each malformed model is reported with a problem that names the culprit', () => {
  it.each<[string, (def: any) => void, ModelProblem['code'], RegExp]>([
    ['unknown initial state', (d) => (d.initialState = 'x'), 'INITIAL_STATE_UNKNOWN', /initial state "x"/],
    ['a transition name longer than the case API takes (100 characters)', (d) => (d.transitions[0].name = `n${'a'.repeat(100)}`), 'SHAPE_INVALID', /name must match/],
    ['a model id longer than the case API takes (100 characters)', (d) => (d.id = 'm'.repeat(101)), 'ID_INVALID', /model id/],
    ['terminal initial state', (d) => (d.initialState = 'klaar'), 'INITIAL_STATE_TERMINAL', /"klaar"/],
    ['transition to an unknown state', (d) => (d.transitions[0].to = 'c'), 'TRANSITION_TO_UNKNOWN', /transition "naar-b" goes to unknown state "c"/],
    ['transition from an unknown state', (d) => (d.transitions[0].from = ['a', 'z']), 'TRANSITION_FROM_UNKNOWN', /transition "naar-b" comes from unknown state "z"/],
    ['transition from a terminal state', (d) => d.transitions[1].from.push('klaar'), 'TRANSITION_FROM_TERMINAL', /transition "klaar" leaves terminal state "klaar"/],
    [
      'duplicate transition name (even from another state)',
      (d) => d.transitions.push({ name: 'naar-b', from: ['b'], to: 'a', rolesAllowed: ['coordinator'] }),
      'TRANSITION_DUPLICATE',
      /transition "naar-b" is defined more than once/,
    ],
    ['duplicate state id', (d) => d.states.push({ id: 'b', title: 'B2' }), 'STATE_DUPLICATE', /state "b" is defined more than once/],
    ['deadline on a missing state', (d) => (d.deadlines[0].state = 'weg'), 'DEADLINE_STATE_UNKNOWN', /deadline "oppakken" runs in unknown state "weg"/],
    ['deadline on a terminal state', (d) => (d.deadlines[0].state = 'klaar'), 'DEADLINE_ON_TERMINAL_STATE', /deadline "oppakken"/],
    ['duplicate deadline id', (d) => d.deadlines.push({ ...d.deadlines[0] }), 'DEADLINE_DUPLICATE', /deadline "oppakken"/],
    ['deadline paused in an unknown state', (d) => (d.deadlines[0].pausedIn = ['nergens']), 'DEADLINE_PAUSED_IN_UNKNOWN', /deadline "oppakken" pauses in "nergens"/],
    ['deadline with a zero duration', (d) => (d.deadlines[0].duration.amount = 0), 'DEADLINE_DURATION_INVALID', /deadline "oppakken": duration amount 0/],
    ['deadline with an unknown unit', (d) => (d.deadlines[0].duration.unit = 'weeks'), 'DEADLINE_DURATION_INVALID', /unit "weeks"/],
    ['deadline with an unknown start', (d) => (d.deadlines[0].startsOn = 'morgen'), 'DEADLINE_START_INVALID', /deadline "oppakken" starts on "morgen"/],
    [
      'unreachable state',
      (d) => {
        d.states.push({ id: 'eiland', title: 'Eiland' });
        d.transitions.push({ name: 'van-eiland', from: ['eiland'], to: 'klaar', rolesAllowed: ['coordinator'] });
      },
      'STATE_UNREACHABLE',
      /state "eiland" cannot be reached from initial state "a"/,
    ],
    ['non-terminal state without a way out', (d) => d.transitions.pop(), 'STATE_DEAD_END', /state "b" is not terminal but has no outgoing transition/],
    ['referral table id with capitals', (d) => (d.states[0].referrals = ['ZVH-Twente']), 'REFERRAL_TABLE_INVALID', /state "a" refers to table id "ZVH-Twente"/],
    ['version zero', (d) => (d.version = 0), 'VERSION_INVALID', /version 0 must be a positive integer/],
    ['version 1.5', (d) => (d.version = 1.5), 'VERSION_INVALID', /version 1.5/],
    ['version as text', (d) => (d.version = '1'), 'VERSION_INVALID', /version "1"/],
    ['empty rolesAllowed', (d) => (d.transitions[0].rolesAllowed = []), 'TRANSITION_ROLES_EMPTY', /transition "naar-b" allows no role/],
    ['unknown role', (d) => (d.transitions[0].rolesAllowed = ['burgemeester']), 'TRANSITION_ROLE_UNKNOWN', /transition "naar-b" allows unknown role "burgemeester"/],
    ['empty reason category list', (d) => (d.transitions[1].requires.reasonCategories = []), 'TRANSITION_REQUIREMENTS_INVALID', /transition "klaar"/],
    ['unknown responsibility', (d) => (d.states[0].responsibilities = { regie: 'x' }), 'RESPONSIBILITY_UNKNOWN', /state "a" names unknown responsibility "regie"/],
    ['unknown notification type', (d) => (d.states[1].notifications = [{ type: 'SmsSent', audience: 'x' }]), 'NOTIFICATION_INVALID', /state "b"/],
    ['retention class on an open state', (d) => (d.states[1].retentionClass = 'kort'), 'RETENTION_ON_NON_TERMINAL', /state "b" has a retentionClass/],
    ['guard on an undeclared field', (d) => (d.transitions[0].guard = { fieldEquals: { field: 'x', value: true } }), 'GUARD_INVALID', /transition "naar-b": guard fieldEquals tests field "x"/],
    ['guard of an unknown kind', (d) => (d.transitions[0].guard = { always: true }), 'GUARD_INVALID', /unknown kind "always"/],
    ['model id with spaces (not repeated: it is no identifier)', (d) => (d.id = 'mijn model'), 'ID_INVALID', /model id \(a model id that is not an identifier\) must match/],
    // A misspelt field was ignored: the transition then needed no reason, or had no guard.
    ['a misspelt requires on a transition', (d) => (d.transitions[0].requirements = { reason: true }), 'FIELD_UNKNOWN', /transition "naar-b" has an unknown field "requirements"/],
    ['a misspelt guard on a transition', (d) => (d.transitions[0].guards = { always: true }), 'FIELD_UNKNOWN', /transition "naar-b" has an unknown field "guards"/],
    ['a misspelt reason requirement', (d) => (d.transitions[0].requires = { reasons: true }), 'FIELD_UNKNOWN', /transition "naar-b" has an unknown field "reasons"/],
    ['an unknown field on a state', (d) => (d.states[0].regie = 'x'), 'FIELD_UNKNOWN', /state "a" has an unknown field "regie"/],
    ['an unknown field on a deadline', (d) => (d.deadlines[0].startsAt = 'case-opened'), 'FIELD_UNKNOWN', /deadline ".*" has an unknown field "startsAt"/],
    ['an unknown field on the model', (d) => (d.model = 'ave'), 'FIELD_UNKNOWN', /the model has an unknown field "model"/],
    // Back in a state through one that closes it, a term counted from the opening opens again with the same due moment:
    // once breached, it would be breached (and escalated to the police) a second time.
    [
      'a term counted from the opening on a state the case can leave and come back to',
      (d) => {
        d.deadlines[0].startsOn = 'case-opened';
        d.transitions.push({ name: 'terug', from: ['b'], to: 'a', rolesAllowed: ['coordinator'] });
      },
      'DEADLINE_REOPENED',
      /deadline "oppakken" counts from case-opened, but the case can leave state "a" for "b" and come back/,
    ],
    [
      'a notification guarded by a relation no reporter has',
      (d) => (d.states[1].notifications = [{ type: 'ReporterMayBeInformed', audience: 'melder', when: { reporterRelationIs: 'essentiële-naaste' } }]),
      'GUARD_INVALID',
      /reporterRelationIs "essentiële-naaste" is not a reporter relation/,
    ],
  ])('%s', (_name, change, code, message) => {
    const problems = validateModelDefinition(broken(change));
    expect(codes(problems)).toContain(code);
    expect(problems.find((p) => p.code === code)!.message).toMatch(message);
  });

  it('a term counted from the opening may sit on a state the case comes back to when it pauses on the way (it is never closed)', () => {
    const def = tiny();
    const valid: ModelDefinition = {
      ...def,
      deadlines: [{ ...def.deadlines[0]!, startsOn: 'case-opened', pausedIn: ['b'] }],
      transitions: [...def.transitions, { name: 'terug', from: ['b'], to: 'a', rolesAllowed: ['coordinator'] }],
    };
    expect(validateModelDefinition(valid)).toEqual([]);
  });

  describe('a version published now: a term or warning lead time of more than ten years is a typo', () => {
    it.each<[string, (def: any) => void, ModelProblem['code'], RegExp]>([
      ['deadline longer than ten years in calendar days', (d) => (d.deadlines[0].duration = { amount: 3_651, unit: 'calendar-days' }), 'DEADLINE_DURATION_INVALID', /deadline "oppakken": duration amount 3651 calendar-days is more than 3650/],
      ['deadline longer than ten years in working days', (d) => (d.deadlines[0].duration = { amount: 2_601, unit: 'working-days' }), 'DEADLINE_DURATION_INVALID', /amount 2601 working-days is more than 2600/],
      ['deadline longer than ten years in hours', (d) => (d.deadlines[0].duration = { amount: 87_601, unit: 'hours' }), 'DEADLINE_DURATION_INVALID', /amount 87601 hours is more than 87600/],
      ['warning lead time past what a date holds', (d) => (d.deadlines[0].approachingLeadTime = { amount: Number.MAX_SAFE_INTEGER, unit: 'hours' }), 'DEADLINE_DURATION_INVALID', /approachingLeadTime amount 9007199254740991 hours is more than 87600/],
    ])('%s', (_name, change, code, message) => {
      const problems = validateModelDefinition(broken(change), { publishing: true });
      expect(codes(problems)).toContain(code);
      expect(problems.find((p) => p.code === code)!.message).toMatch(message);
    });

    it('a version stored before the bound still loads: a stored definition is not held to it', () => {
      expect(validateModelDefinition(broken((d) => (d.deadlines[0].duration = { amount: 100_000, unit: 'hours' })))).toEqual([]);
      expect(validateModelDefinition(broken((d) => (d.deadlines[0].duration = { amount: 3_650, unit: 'calendar-days' })), { publishing: true })).toEqual([]);
    });
  });

  it('an unknown target does not also make its from-state a dead end', () => {
    expect(codes(validateModelDefinition(broken((d) => (d.transitions[1].to = 'klaaar'))))).toEqual([
      'TRANSITION_TO_UNKNOWN',
      'STATE_UNREACHABLE',
    ]);
  });

  it.each([null, 42, 'ave', [], {}])('never throws on garbage (%j), it reports', (garbage) => {
    expect(validateModelDefinition(garbage).length).toBeGreaterThan(0);
  });
});

describe('assertValidModel throws MODEL.INVALID naming every problem', () => {
  it('lists every problem in the message and in details', () => {
    const def = broken((d) => {
      d.version = 0;
      d.initialState = 'x';
      d.transitions[0].to = 'c';
    });
    let error: unknown;
    try {
      assertValidModel(def);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    const domainError = error as DomainError;
    expect(domainError.code).toBe('MODEL.INVALID');
    const problems = domainError.details!.problems as ModelProblem[];
    expect(codes(problems)).toEqual(expect.arrayContaining(['VERSION_INVALID', 'INITIAL_STATE_UNKNOWN', 'TRANSITION_TO_UNKNOWN']));
    for (const p of problems) expect(domainError.message).toContain(p.message);
    expect(domainError.message).toMatch(/^model "klein" version 0 is invalid: \(1\) /);
  });
});
