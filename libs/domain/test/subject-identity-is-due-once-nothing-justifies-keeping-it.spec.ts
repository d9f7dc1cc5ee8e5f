import fc from 'fast-check';
import {
  addRetentionPeriod,
  amsterdamDateOf,
  BUILT_IN_RETENTION_CONFIG,
  BUILT_IN_SUBJECT_RETENTION,
  fromDayNumber,
  subjectRetentionDecision,
  subjectRetentionOf,
  SUBJECT_RETENTION_RULES,
  toDayNumber,
  validateRetentionConfig,
  type SubjectRetentionFacts,
} from '../src/index.js';

const config = BUILT_IN_SUBJECT_RETENTION;
const registeredAt = '2025-05-20T08:00:00.000Z';
const facts = (signals: (string | null)[], openCases = 0): SubjectRetentionFacts => ({ registeredAt, signals: signals.map((destroyedAt) => ({ destroyedAt })), openCases });

/** An instant between 2000 and 2060. */
const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2060, 0, 1) }).map((ms) => new Date(ms).toISOString());
const day = fc.integer({ min: toDayNumber('2000-01-01'), max: toDayNumber('2070-01-01') }).map(fromDayNumber);

describe('a subject whose signals were all destroyed is due from the day of the last destruction', () => {
  it('is due on the Dutch calendar date of the latest destruction, not the day before (no grace period)', () => {
    const subject = facts(['2026-03-01T10:00:00.000Z', '2027-02-10T23:30:00.000Z']);
    // 23:30 UTC on 10 February is 11 February in Amsterdam.
    expect(subjectRetentionDecision(subject, config, '2027-02-10')).toEqual({ rule: SUBJECT_RETENTION_RULES.signalsDestroyed, from: '2027-02-11', dueOn: '2027-02-11', due: false });
    expect(subjectRetentionDecision(subject, config, '2027-02-11')).toMatchObject({ rule: { id: 'subject-signalen-vernietigd' }, due: true });
  });

  it('counts from the latest destruction whatever the order of the signals', () => {
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 8 }), day, (destroyed, today) => {
        const decision = subjectRetentionDecision(facts(destroyed), config, today);
        const last = amsterdamDateOf(new Date(Math.max(...destroyed.map(Date.parse))));
        expect(decision).toEqual({ rule: SUBJECT_RETENTION_RULES.signalsDestroyed, from: last, dueOn: last, due: today >= last });
        expect(subjectRetentionDecision(facts([...destroyed].reverse()), config, today)).toEqual(decision);
      }),
    );
  });
});

describe('a subject is kept while anything justifies keeping it', () => {
  it('is never due while one of its signals still holds personal data, however old the others', () => {
    fc.assert(
      fc.property(fc.array(instant, { maxLength: 6 }), fc.nat({ max: 6 }), day, (destroyed, at, today) => {
        const signals: (string | null)[] = [...destroyed];
        signals.splice(Math.min(at, signals.length), 0, null);
        expect(subjectRetentionDecision(facts(signals), config, today)).toBeNull();
      }),
    );
  });

  it('is never due while a case about it is open, even with every signal destroyed or none at all', () => {
    fc.assert(
      fc.property(fc.array(instant, { maxLength: 6 }), fc.integer({ min: 1, max: 5 }), day, (destroyed, openCases, today) => {
        expect(subjectRetentionDecision(facts(destroyed, openCases), config, today)).toBeNull();
      }),
    );
  });

  it('once due, stays due on every later day', () => {
    fc.assert(
      fc.property(fc.array(instant, { maxLength: 4 }), day, fc.nat({ max: 4000 }), (destroyed, today, later) => {
        const now = subjectRetentionDecision(facts(destroyed), config, today);
        if (now?.due) expect(subjectRetentionDecision(facts(destroyed), config, fromDayNumber(toDayNumber(today) + later))?.due).toBe(true);
      }),
    );
  });
});

describe('a subject never linked to a signal or named in a case is kept as long as a signal that never reached a case', () => {
  it('is due two years after its registration date (built-in), not a day before', () => {
    expect(subjectRetentionDecision(facts([]), config, '2027-05-19')).toEqual({ rule: SUBJECT_RETENTION_RULES.neverLinked, from: '2025-05-20', dueOn: '2027-05-20', due: false });
    expect(subjectRetentionDecision(facts([]), config, '2027-05-20')?.due).toBe(true);
    const signaalZonderZaak = BUILT_IN_RETENTION_CONFIG.rules.find((r) => r.id === 'signaal-zonder-zaak')!;
    expect(config.keepNeverLinked).toEqual(signaalZonderZaak.keep);
  });

  it('follows the configured period', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 120 }), fc.constantFrom('days' as const, 'months' as const, 'years' as const), day, (at, amount, unit, today) => {
        const dueOn = addRetentionPeriod(amsterdamDateOf(new Date(at)), { amount, unit });
        expect(subjectRetentionDecision({ registeredAt: at, signals: [], openCases: 0 }, { keepNeverLinked: { amount, unit } }, today)).toMatchObject({ rule: { id: 'subject-nooit-gekoppeld' }, dueOn, due: today >= dueOn });
      }),
    );
  });
});

describe('the subject retention in a rules file', () => {
  /** The built-in rules, as a file would list them (a file needs at least one rule). */
  const rules = [...BUILT_IN_RETENTION_CONFIG.rules];

  it('is the built-in one when the file leaves it out, and the file’s own when it names one', () => {
    expect(subjectRetentionOf({ rules: [] })).toBe(BUILT_IN_SUBJECT_RETENTION);
    expect(subjectRetentionOf({ rules: [], subjects: { keepNeverLinked: { amount: 6, unit: 'months' } } })).toEqual({ keepNeverLinked: { amount: 6, unit: 'months' } });
    expect(validateRetentionConfig({ rules, subjects: { keepNeverLinked: { amount: 6, unit: 'months' } } })).toEqual([]);
    expect(validateRetentionConfig(BUILT_IN_RETENTION_CONFIG)).toEqual([]);
  });

  it('refuses a bad one, naming each problem', () => {
    expect(validateRetentionConfig({ rules, subjects: [] }).map((p) => p.path)).toEqual(['subjects']);
    expect(validateRetentionConfig({ rules, subjects: { keepNeverLinked: { amount: 0, unit: 'years' }, grace: 3 } })).toEqual([
      { path: 'subjects.grace', message: 'unknown field "grace"; allowed: keepNeverLinked' },
      { path: 'subjects.keepNeverLinked.amount', message: 'subjects: amount must be a whole number from 1 to 100 years' },
    ]);
    expect(validateRetentionConfig({ rules, subjects: {} })).toEqual([{ path: 'subjects.keepNeverLinked', message: 'subjects: keepNeverLinked must be { amount, unit: days | months | years }' }]);
  });
});
