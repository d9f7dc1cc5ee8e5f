import { amsterdamDateOf, type CalendarDate } from '../calendar/calendar-date.js';
import { addRetentionPeriod } from './retention-due.js';
import type { RetentionConfig, SubjectRetentionConfig } from './retention-rule.js';

/**
 * Built-in (a product proposal, to be confirmed by the municipality): a subject nobody linked to anything is
 * kept as long as a signal that never reached a case (`signaal-zonder-zaak`), counted from its registration.
 */
export const BUILT_IN_SUBJECT_RETENTION: SubjectRetentionConfig = Object.freeze({ keepNeverLinked: Object.freeze({ amount: 2, unit: 'years' }) }) as SubjectRetentionConfig;

/** The subject retention of a configuration: its own, else the built-in one. */
export function subjectRetentionOf(config: RetentionConfig): SubjectRetentionConfig {
  return config.subjects ?? BUILT_IN_SUBJECT_RETENTION;
}

/** A rule that destroys a subject's identity: its id (recorded with each destruction) and what it says. */
export interface SubjectRetentionRule {
  readonly id: string;
  readonly title: string;
}

/** The two rules for subjects, recorded as the rule of the destructions they cause. */
export const SUBJECT_RETENTION_RULES = Object.freeze({
  signalsDestroyed: Object.freeze({
    id: 'subject-signalen-vernietigd',
    title: 'Subject van wie alle gekoppelde signalen vernietigd zijn en over wie geen zaak openstaat: identiteit vernietigen',
  }),
  neverLinked: Object.freeze({
    id: 'subject-nooit-gekoppeld',
    title: 'Subject geregistreerd maar nooit aan een signaal of zaak gekoppeld: identiteit vernietigen na de bewaartermijn vanaf de registratie',
  }),
}) satisfies Record<string, SubjectRetentionRule>;

/** What the subject rule needs to know. Instants are ISO 8601 strings. */
export interface SubjectRetentionFacts {
  readonly registeredAt: string;
  /**
   * Every signal ever linked to the subject (a link moved away later included) and every signal of a case
   * about it: when its personal data was destroyed (by retention or erasure), null while it still exists.
   */
  readonly signals: readonly { readonly destroyedAt: string | null }[];
  /** How many cases about the subject (named in the case, or through one of its signals) are open. */
  readonly openCases: number;
}

/** What the rule decides for a subject: which rule, from which day its identity is due, and whether that day has come. */
export interface SubjectRetentionDecision {
  readonly rule: SubjectRetentionRule;
  /** The Dutch calendar date the rule counts from: the last destruction of its signals, or the registration. */
  readonly from: CalendarDate;
  /** The first day the identity may no longer be kept. */
  readonly dueOn: CalendarDate;
  readonly due: boolean;
}

/**
 * The retention decision for a registered subject's identity on `today` (a Dutch calendar date), or null
 * while something still justifies keeping it: a signal of it whose personal data exists, or an open case
 * about it.
 *  - Every signal destroyed, no open case: due from the day of the last destruction, without a grace period
 *    (the identity only served to bring those signals together; the signals' own rules already gave the
 *    municipality its time, counted from the decision).
 *  - No signal at all (registered, never linked or named in a case): due `keepNeverLinked` after the
 *    registration date.
 * Legal holds are not facts of the rule: a held subject is due, and the job reports it as kept by its holds.
 */
export function subjectRetentionDecision(facts: SubjectRetentionFacts, config: SubjectRetentionConfig, today: CalendarDate): SubjectRetentionDecision | null {
  if (facts.openCases > 0) return null;
  if (facts.signals.length === 0) {
    const from = amsterdamDateOf(new Date(facts.registeredAt));
    const dueOn = addRetentionPeriod(from, config.keepNeverLinked);
    return { rule: SUBJECT_RETENTION_RULES.neverLinked, from, dueOn, due: today >= dueOn };
  }
  let last = -Infinity;
  for (const signal of facts.signals) {
    if (signal.destroyedAt === null) return null;
    last = Math.max(last, Date.parse(signal.destroyedAt));
  }
  const from = amsterdamDateOf(new Date(last));
  return { rule: SUBJECT_RETENTION_RULES.signalsDestroyed, from, dueOn: from, due: today >= from };
}
