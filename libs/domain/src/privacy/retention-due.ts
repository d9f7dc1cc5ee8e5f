import { amsterdamDateOf, fromDayNumber, toDayNumber, type CalendarDate } from '../calendar/calendar-date.js';
import type { RetentionFacts, RetentionPeriod, RetentionRule } from './retention-rule.js';

/** What the rules decide for one signal: the rule that applies, from which day its data is due for destruction, and whether that day has come. */
export interface RetentionDecision {
  readonly rule: RetentionRule;
  /** The Dutch calendar date of the rule's starting moment (decision, dismissal or receipt). */
  readonly from: CalendarDate;
  /** The first day the data may no longer be kept. */
  readonly dueOn: CalendarDate;
  readonly due: boolean;
}

/**
 * `date` plus `period` on the calendar. Months and years keep the day of the month, clamped to the month's
 * last day (31 January + 1 month = 28/29 February; 29 February + 1 year = 28 February).
 */
export function addRetentionPeriod(date: CalendarDate, period: RetentionPeriod): CalendarDate {
  if (period.unit === 'days') return fromDayNumber(toDayNumber(date) + period.amount);
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const months = period.unit === 'years' ? period.amount * 12 : period.amount;
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(day, lastDay)).padStart(2, '0')}`;
}

/** The moment a rule's period starts for these facts, or null when the rule does not apply to them. */
export function retentionStart(rule: RetentionRule, facts: RetentionFacts): string | null {
  if (rule.sources && !rule.sources.includes(facts.source)) return null;
  const outcome = rule.outcome;
  switch (outcome.kind) {
    case 'case-closed': {
      const c = facts.case;
      if (!c || c.closedAt === null) return null;
      if (outcome.model !== undefined && outcome.model !== c.model) return null;
      if (outcome.states !== undefined && !outcome.states.includes(c.state)) return null;
      if (outcome.retentionClasses !== undefined && (c.retentionClass === null || !outcome.retentionClasses.includes(c.retentionClass))) return null;
      return c.closedAt;
    }
    case 'dismissed':
      return facts.case === null && facts.dismissedAt !== null ? facts.dismissedAt : null;
    case 'not-in-case':
      return facts.case === null && facts.dismissedAt === null ? facts.receivedAt : null;
  }
}

/**
 * The retention decision for a signal on `today` (a Dutch calendar date): the first rule that applies to
 * it decides, even when its day has not come yet (later rules never shorten it); null when no rule applies
 * (e.g. the signal is in an open case), so nothing is destroyed. Due from the start of `dueOn` onwards.
 */
export function retentionDecision(facts: RetentionFacts, rules: readonly RetentionRule[], today: CalendarDate): RetentionDecision | null {
  for (const rule of rules) {
    const start = retentionStart(rule, facts);
    if (start === null) continue;
    const from = amsterdamDateOf(new Date(start));
    const dueOn = addRetentionPeriod(from, rule.keep);
    return { rule, from, dueOn, due: today >= dueOn };
  }
  return null;
}

/**
 * The earliest receipt date from which no signal can be due on `today` under `rules`: every rule's period
 * starts on or after the signal's receipt (a decision or dismissal follows it; intake refuses a receipt in the
 * future), and no period is shorter than its lower bound in days (a month ≥ 28, a year ≥ 365 days). Signals
 * received on or after it need not be examined. One day of margin covers the Amsterdam/UTC date difference.
 */
export function retentionReceiptCutoff(rules: readonly RetentionRule[], today: CalendarDate): CalendarDate {
  const perUnit = { days: 1, months: 28, years: 365 } as const;
  const shortest = Math.min(...rules.map((r) => r.keep.amount * perUnit[r.keep.unit]));
  return Number.isFinite(shortest) ? fromDayNumber(toDayNumber(today) - shortest + 2) : today;
}
