import fc from 'fast-check';
import {
  addRetentionPeriod,
  amsterdamDateOf,
  assertValidRetentionConfig,
  BUILT_IN_MODELS,
  BUILT_IN_RETENTION_CONFIG,
  fromDayNumber,
  ONDERMIJNING_INTAKE_MODEL,
  retentionDecision,
  retentionReceiptCutoff,
  retentionStart,
  SIGNAL_SOURCES,
  toDayNumber,
  validateRetentionConfig,
  type RetentionFacts,
  type RetentionPeriod,
  type RetentionRule,
} from '../src/index.js';

const rules = BUILT_IN_RETENTION_CONFIG.rules;
/** The retention class the built-in intake model declares on `geen-actie` (what `CaseClosed` records). */
const GEEN_ACTIE_CLASS = ONDERMIJNING_INTAKE_MODEL.states.find((s) => s.id === 'geen-actie')!.retentionClass!;
const geenActie = (source: RetentionFacts['source'], closedAt = '2026-03-10T14:00:00.000Z', state = 'geen-actie'): RetentionFacts => ({
  source,
  receivedAt: '2026-02-01T09:00:00.000Z',
  dismissedAt: null,
  case: { model: 'ondermijning-intake', state, closedAt, retentionClass: GEEN_ACTIE_CLASS },
});

describe('an undermining signal decided geen-actie is destroyed one year after the decision (CCV modelprotocol)', () => {
  it.each(['mma', 'intern-meldpunt'] as const)('%s: not due the day before the anniversary of the decision, due on it', (source) => {
    expect(retentionDecision(geenActie(source), rules, '2027-03-09')).toMatchObject({ rule: { id: 'ondermijning-geen-actie' }, from: '2026-03-10', dueOn: '2027-03-10', due: false });
    expect(retentionDecision(geenActie(source), rules, '2027-03-10')).toMatchObject({ rule: { id: 'ondermijning-geen-actie' }, due: true });
  });

  it('counts from the Dutch calendar date of the decision (23:30 UTC on 9 March is 10 March in Amsterdam)', () => {
    expect(retentionDecision(geenActie('mma', '2026-03-09T23:30:00.000Z'), rules, '2027-03-09')?.due).toBe(false);
    expect(retentionDecision(geenActie('mma', '2026-03-09T23:30:00.000Z'), rules, '2027-03-10')?.due).toBe(true);
  });

  it('matches by the retention class the model declares, so a version that renames the no-action state keeps the one year (not five under casus-afgesloten)', () => {
    expect(GEEN_ACTIE_CLASS).toBe('een-jaar-versleuteld-dan-vernietigen');
    expect(retentionDecision(geenActie('mma', undefined, 'geen-actie-besluit'), rules, '2026-06-01')).toMatchObject({ rule: { id: 'ondermijning-geen-actie' }, dueOn: '2027-03-10' });
  });

  it('a zorgmelding in such a case is not an undermining tip: its own rule decides', () => {
    expect(retentionDecision(geenActie('zorgmelding'), rules, '2026-06-01')).toMatchObject({ rule: { id: 'zorg-casus-afgesloten' }, dueOn: '2028-03-10' });
  });
});

describe('a case-closed rule naming retention classes matches a signal whose case was closed in a state of one of those classes', () => {
  const at = '2026-01-15T10:00:00.000Z';
  const closedIn = (model: string, state: string, retentionClass: string | null, closedAt: string | null = at): RetentionFacts => ({
    source: 'mma',
    receivedAt: at,
    dismissedAt: null,
    case: { model, state, closedAt, retentionClass },
  });
  const byClass = (outcome: Omit<Extract<RetentionRule['outcome'], { kind: 'case-closed' }>, 'kind'>): RetentionRule => ({
    id: 'op-klasse',
    title: 'Regel op bewaarklasse voor de test',
    outcome: { kind: 'case-closed', ...outcome },
    keep: { amount: 1, unit: 'years' },
  });

  it('matches a case closed in a state of one of the classes, counted from the closing', () => {
    const rule = byClass({ retentionClasses: ['kort', 'een-jaar-versleuteld-dan-vernietigen'] });
    expect(retentionStart(rule, closedIn('eigen-model', 'klaar', 'een-jaar-versleuteld-dan-vernietigen'))).toBe(at);
    expect(retentionStart(rule, closedIn('ondermijning-intake', 'geen-actie', 'kort'))).toBe(at);
  });

  it('does not match another class, a state without a class, or an open case', () => {
    const rule = byClass({ retentionClasses: ['een-jaar-versleuteld-dan-vernietigen'] });
    expect(retentionStart(rule, closedIn('ondermijning-intake', 'geen-actie', 'vijf-jaar'))).toBeNull();
    expect(retentionStart(rule, closedIn('ondermijning-intake', 'geen-actie', null))).toBeNull();
    expect(retentionStart(rule, closedIn('ondermijning-intake', 'geen-actie', 'een-jaar-versleuteld-dan-vernietigen', null))).toBeNull();
    expect(retentionStart(rule, { source: 'mma', receivedAt: at, dismissedAt: null, case: null })).toBeNull();
  });

  it('with a model and states as well, all of them must hold', () => {
    const rule = byClass({ model: 'ondermijning-intake', states: ['geen-actie'], retentionClasses: ['een-jaar-versleuteld-dan-vernietigen'] });
    expect(retentionStart(rule, closedIn('ondermijning-intake', 'geen-actie', 'een-jaar-versleuteld-dan-vernietigen'))).toBe(at);
    expect(retentionStart(rule, closedIn('eigen-model', 'geen-actie', 'een-jaar-versleuteld-dan-vernietigen'))).toBeNull();
    expect(retentionStart(rule, closedIn('ondermijning-intake', 'geen-actie-besluit', 'een-jaar-versleuteld-dan-vernietigen'))).toBeNull();
    expect(retentionStart(rule, closedIn('ondermijning-intake', 'geen-actie', null))).toBeNull();
  });

  it('a class rule that does not match lets the next rule decide', () => {
    const list = [byClass({ retentionClasses: ['kort'] }), { ...byClass({}), id: 'rest', keep: { amount: 5, unit: 'years' as const } }];
    expect(retentionDecision(closedIn('ave', 'afgesloten', 'kort'), list, '2026-06-01')).toMatchObject({ rule: { id: 'op-klasse' }, dueOn: '2027-01-15' });
    expect(retentionDecision(closedIn('ave', 'afgesloten', null), list, '2026-06-01')).toMatchObject({ rule: { id: 'rest' }, dueOn: '2031-01-15' });
  });
});

describe('the built-in rules for the other outcomes', () => {
  const at = '2026-01-15T10:00:00.000Z';
  const base = { receivedAt: at, dismissedAt: null, case: null } as const;
  it.each<[string, RetentionFacts, string, string]>([
    ['referred elsewhere (niet ondermijnend)', { ...base, source: 'intern-meldpunt', case: { model: 'ondermijning-intake', state: 'niet-ondermijnend', closedAt: at, retentionClass: null } }, 'ondermijning-elders-belegd', '2027-01-15'],
    ['zorgmelding in a closed Wvggz case', { ...base, source: 'zorgmelding', case: { model: 'wvggz-verkennend-onderzoek', state: 'vrijwillige-zorg', closedAt: at, retentionClass: null } }, 'zorg-casus-afgesloten', '2028-01-15'],
    ['zorgmelding in a closed AVE case', { ...base, source: 'zorgmelding', case: { model: 'ave', state: 'afgesloten', closedAt: at, retentionClass: null } }, 'zorg-casus-afgesloten', '2028-01-15'],
    ['MMA tip handed to a municipal department', { ...base, source: 'mma', case: { model: 'ondermijning-intake', state: 'gemeentelijke-afdeling', closedAt: at, retentionClass: null } }, 'casus-afgesloten', '2031-01-15'],
    ['dismissed in triage (counted from the dismissal)', { ...base, source: 'mma', dismissedAt: '2026-02-01T08:00:00.000Z' }, 'signaal-afgewezen', '2027-02-01'],
    ['never taken into a case (counted from receipt)', { ...base, source: 'zorgmelding' }, 'signaal-zonder-zaak', '2028-01-15'],
  ])('%s', (_what, facts, rule, dueOn) => {
    expect(retentionDecision(facts, rules, '2026-06-01')).toMatchObject({ rule: { id: rule }, dueOn, due: false });
    expect(retentionDecision(facts, rules, dueOn)?.due).toBe(true);
  });

  it('decide for every closed case of a built-in model as they did when the first rule named ondermijning-intake and geen-actie', () => {
    const byModelAndState = rules.map((r) => (r.id === 'ondermijning-geen-actie' ? { ...r, outcome: { kind: 'case-closed' as const, model: 'ondermijning-intake', states: ['geen-actie'] } } : r));
    const closed = BUILT_IN_MODELS.flatMap((m) => m.states.filter((s) => s.terminal).map((s) => ({ model: m.id, state: s.id, closedAt: at, retentionClass: s.retentionClass ?? null })));
    fc.assert(
      fc.property(fc.constantFrom(...SIGNAL_SOURCES), fc.constantFrom(...closed), (source, c) => {
        const facts: RetentionFacts = { ...base, source, case: c };
        const decided = (list: typeof rules) => {
          const d = retentionDecision(facts, list, '2026-06-01');
          return d && { rule: d.rule.id, from: d.from, dueOn: d.dueOn };
        };
        expect(decided(rules)).toEqual(decided(byModelAndState));
      }),
    );
  });

  it('destroys nothing of a signal in an open case, however old', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SIGNAL_SOURCES), fc.constantFrom('ave', 'ondermijning-intake', 'wvggz-verkennend-onderzoek'), (source, model) => {
        const facts: RetentionFacts = { source, receivedAt: '2000-01-01T00:00:00.000Z', dismissedAt: null, case: { model, state: 'ontvangst', closedAt: null, retentionClass: null } };
        expect(retentionDecision(facts, rules, '2100-01-01')).toBeNull();
      }),
    );
  });
});

describe('retention periods on the calendar', () => {
  const date = fc.integer({ min: toDayNumber('1990-01-01'), max: toDayNumber('2100-12-31') }).map(fromDayNumber);
  const period = fc.record({ amount: fc.integer({ min: 1, max: 120 }), unit: fc.constantFrom<RetentionPeriod['unit']>('days', 'months', 'years') });

  it('end strictly after they start, and a later start never ends earlier', () => {
    fc.assert(
      fc.property(date, date, period, (a, b, p) => {
        expect(addRetentionPeriod(a, p) > a).toBe(true);
        if (a <= b) expect(addRetentionPeriod(a, p) <= addRetentionPeriod(b, p)).toBe(true);
      }),
    );
  });

  it('a year is 365 or 366 days; months clamp to the end of the month', () => {
    fc.assert(
      fc.property(date, (a) => {
        const days = toDayNumber(addRetentionPeriod(a, { amount: 1, unit: 'years' })) - toDayNumber(a);
        expect([365, 366]).toContain(days);
      }),
    );
    expect(addRetentionPeriod('2028-02-29', { amount: 1, unit: 'years' })).toBe('2029-02-28');
    expect(addRetentionPeriod('2026-01-31', { amount: 1, unit: 'months' })).toBe('2026-02-28');
    expect(addRetentionPeriod('2026-12-31', { amount: 2, unit: 'days' })).toBe('2027-01-02');
  });

  it('a signal is due on every day from dueOn on, and on none before (so a daily job destroys it on its first run from that day)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -400, max: 400 }), (offset) => {
        const decision = retentionDecision(geenActie('mma'), rules, '2026-06-01')!;
        const today = fromDayNumber(toDayNumber(decision.dueOn) + offset);
        expect(retentionDecision(geenActie('mma'), rules, today)!.due).toBe(offset >= 0);
      }),
    );
  });
});

describe('a retention rules file is validated before anything runs', () => {
  it('accepts the built-in rules', () => {
    expect(validateRetentionConfig(BUILT_IN_RETENTION_CONFIG)).toEqual([]);
  });

  it('names every problem with its path', () => {
    const problems = validateRetentionConfig({
      rules: [
        { id: 'Geen Actie', title: 'kort', sources: ['mma', 'telefoon'], outcome: { kind: 'case-closed', states: [] }, keep: { amount: 0, unit: 'years' } },
        { id: 'dubbel', title: 'Afgewezen signalen na een jaar', outcome: { kind: 'dismissed', model: 'ave' }, keep: { amount: 1, unit: 'weeks' } },
        { id: 'dubbel', title: 'Afgewezen signalen na een jaar', outcome: { kind: 'lost' }, keep: { amount: 1, unit: 'years' }, extra: true },
      ],
      foo: 1,
    });
    expect(problems.map((p) => p.path)).toEqual([
      'foo',
      'rules[0].id',
      'rules[0].title',
      'rules[0].sources[1]',
      'rules[0].outcome.states',
      'rules[0].keep.amount',
      'rules[1].outcome.model',
      'rules[1].keep',
      'rules[2].extra',
      'rules[2].id',
      'rules[2].outcome.kind',
    ]);
    expect(() => assertValidRetentionConfig({ rules: [{ id: 'x' }] })).toThrow(/rules\[0\]\.title: rule "x" needs a title/);
  });

  it('retentionClasses: a non-empty list of distinct kebab-case classes, on case-closed outcomes only', () => {
    const closedBy = (retentionClasses: unknown, kind = 'case-closed') => ({ id: 'klasse', title: 'Regel op bewaarklasse', outcome: { kind, retentionClasses }, keep: { amount: 1, unit: 'years' } });
    expect(validateRetentionConfig({ rules: [closedBy(['een-jaar-versleuteld-dan-vernietigen', 'kort'])] })).toEqual([]);
    const problems = validateRetentionConfig({
      rules: [
        { ...closedBy([]), id: 'leeg' },
        { ...closedBy('een-jaar'), id: 'geen-lijst' },
        { ...closedBy(['kort', ' ', 'Eén Jaar', 3, 'kort']), id: 'fout' },
        { ...closedBy(['kort'], 'dismissed'), id: 'afgewezen' },
      ],
    });
    expect(problems).toEqual([
      { path: 'rules[0].outcome.retentionClasses', message: 'rule "leeg": retentionClasses must be a non-empty list of retention classes (leave it out for every class)' },
      { path: 'rules[1].outcome.retentionClasses', message: 'rule "geen-lijst": retentionClasses must be a non-empty list of retention classes (leave it out for every class)' },
      { path: 'rules[2].outcome.retentionClasses[1]', message: 'rule "fout": " " is not a kebab-case retention class' },
      { path: 'rules[2].outcome.retentionClasses[2]', message: 'rule "fout": "Eén Jaar" is not a kebab-case retention class' },
      { path: 'rules[2].outcome.retentionClasses[3]', message: 'rule "fout": "3" is not a kebab-case retention class' },
      { path: 'rules[2].outcome.retentionClasses[4]', message: 'rule "fout": retention class "kort" is named twice' },
      { path: 'rules[3].outcome.retentionClasses', message: 'rule "afgewezen": "retentionClasses" does not apply to outcome dismissed' },
    ]);
    expect(validateRetentionConfig([])).toEqual([{ path: 'rules', message: 'must be a list of retention rules' }]);
  });
});

describe('signals received after the retention cut-off cannot be due, so the job need not read them', () => {
  it('holds around the boundary, for any period and any time of receipt and decision', () => {
    const period = fc.record({ amount: fc.integer({ min: 1, max: 36 }), unit: fc.constantFrom<RetentionPeriod['unit']>('days', 'months', 'years') });
    const day = fc.integer({ min: toDayNumber('2000-01-01'), max: toDayNumber('2090-12-31') });
    fc.assert(
      fc.property(fc.array(period, { minLength: 1, maxLength: 3 }), day, fc.integer({ min: 0, max: 86_399_999 }), fc.integer({ min: 0, max: 86_400_000 * 2 }), fc.integer({ min: -3, max: 3 }), (keeps, receivedDay, receivedMs, afterMs, delta) => {
        const list = keeps.map((keep, i) => ({ id: `r${i}`, title: 'Regel voor de eigenschapstest', outcome: { kind: 'dismissed' as const }, keep }));
        const receivedAt = new Date(receivedDay * 86_400_000 + receivedMs);
        const dismissedAt = new Date(receivedAt.getTime() + afterMs);
        const facts: RetentionFacts = { source: 'mma', receivedAt: receivedAt.toISOString(), dismissedAt: dismissedAt.toISOString(), case: null };
        // Around the day the signal becomes due under the rule that decides for it.
        const today = fromDayNumber(toDayNumber(addRetentionPeriod(amsterdamDateOf(dismissedAt), keeps[0]!)) + delta);
        if (amsterdamDateOf(receivedAt) >= retentionReceiptCutoff(list, today)) expect(retentionDecision(facts, list, today)?.due).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });
});
