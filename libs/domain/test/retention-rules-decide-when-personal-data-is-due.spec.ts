import fc from 'fast-check';
import {
  addRetentionPeriod,
  amsterdamDateOf,
  assertValidRetentionConfig,
  BUILT_IN_RETENTION_CONFIG,
  fromDayNumber,
  retentionDecision,
  retentionReceiptCutoff,
  SIGNAL_SOURCES,
  toDayNumber,
  validateRetentionConfig,
  type RetentionFacts,
  type RetentionPeriod,
} from '../src/index.js';

const rules = BUILT_IN_RETENTION_CONFIG.rules;
const geenActie = (source: RetentionFacts['source'], closedAt = '2026-03-10T14:00:00.000Z'): RetentionFacts => ({
  source,
  receivedAt: '2026-02-01T09:00:00.000Z',
  dismissedAt: null,
  case: { model: 'ondermijning-intake', state: 'geen-actie', closedAt },
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
});

describe('the built-in rules for the other outcomes', () => {
  const at = '2026-01-15T10:00:00.000Z';
  const base = { receivedAt: at, dismissedAt: null, case: null } as const;
  it.each<[string, RetentionFacts, string, string]>([
    ['referred elsewhere (niet ondermijnend)', { ...base, source: 'intern-meldpunt', case: { model: 'ondermijning-intake', state: 'niet-ondermijnend', closedAt: at } }, 'ondermijning-elders-belegd', '2027-01-15'],
    ['zorgmelding in a closed Wvggz case', { ...base, source: 'zorgmelding', case: { model: 'wvggz-verkennend-onderzoek', state: 'vrijwillige-zorg', closedAt: at } }, 'zorg-casus-afgesloten', '2028-01-15'],
    ['zorgmelding in a closed AVE case', { ...base, source: 'zorgmelding', case: { model: 'ave', state: 'afgesloten', closedAt: at } }, 'zorg-casus-afgesloten', '2028-01-15'],
    ['MMA tip handed to a municipal department', { ...base, source: 'mma', case: { model: 'ondermijning-intake', state: 'gemeentelijke-afdeling', closedAt: at } }, 'casus-afgesloten', '2031-01-15'],
    ['dismissed in triage (counted from the dismissal)', { ...base, source: 'mma', dismissedAt: '2026-02-01T08:00:00.000Z' }, 'signaal-afgewezen', '2027-02-01'],
    ['never taken into a case (counted from receipt)', { ...base, source: 'zorgmelding' }, 'signaal-zonder-zaak', '2028-01-15'],
  ])('%s', (_what, facts, rule, dueOn) => {
    expect(retentionDecision(facts, rules, '2026-06-01')).toMatchObject({ rule: { id: rule }, dueOn, due: false });
    expect(retentionDecision(facts, rules, dueOn)?.due).toBe(true);
  });

  it('destroys nothing of a signal in an open case, however old', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SIGNAL_SOURCES), fc.constantFrom('ave', 'ondermijning-intake', 'wvggz-verkennend-onderzoek'), (source, model) => {
        const facts: RetentionFacts = { source, receivedAt: '2000-01-01T00:00:00.000Z', dismissedAt: null, case: { model, state: 'ontvangst', closedAt: null } };
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
