import type { SignalSource } from '../signals/signal-source.js';

/** Units a retention period is counted in (calendar arithmetic on Dutch calendar dates). */
export const RETENTION_UNITS = ['days', 'months', 'years'] as const;
export type RetentionUnit = (typeof RETENTION_UNITS)[number];

/** How long personal data is kept after the rule's starting moment, e.g. `{ amount: 1, unit: 'years' }`. */
export interface RetentionPeriod {
  readonly amount: number;
  readonly unit: RetentionUnit;
}

/**
 * The outcome a rule applies to, and so the moment its period starts:
 * - `case-closed`: the signal is in a case that was closed (a terminal state was reached: a decision);
 *   optionally only in cases of `model`, closed in one of `states` and/or in a state declaring one of
 *   `retentionClasses` (all that are given must hold). Counted from the closing (decision). A class survives a
 *   new model version renaming its state, where `states` would silently stop matching.
 * - `dismissed`: the coordinator dismissed the signal in triage. Counted from the dismissal.
 * - `not-in-case`: the signal was neither dismissed nor taken into a case. Counted from its receipt.
 * A signal in an open case matches no outcome: it is in use, so no rule destroys it.
 */
export type RetentionOutcome =
  | { readonly kind: 'case-closed'; readonly model?: string; readonly states?: readonly string[]; readonly retentionClasses?: readonly string[] }
  | { readonly kind: 'dismissed' }
  | { readonly kind: 'not-in-case' };

export const RETENTION_OUTCOME_KINDS = ['case-closed', 'dismissed', 'not-in-case'] as const;

/** One retention rule: which signals (sources and outcome) and how long their personal data is kept. */
export interface RetentionRule {
  /** Kebab-case id; recorded as the rule of every destruction it causes. */
  readonly id: string;
  /** What the rule says, in words a privacy officer reads (recorded as the reason of its destructions). */
  readonly title: string;
  /** Sources it applies to; all sources when absent. */
  readonly sources?: readonly SignalSource[];
  readonly outcome: RetentionOutcome;
  readonly keep: RetentionPeriod;
}

/**
 * How long a registered subject's identity is kept when nothing ever linked a signal or a case to it
 * (`RETENTION_RULES_FILE`: `"subjects": {"keepNeverLinked": {"amount", "unit"}}`); see `subjectRetentionDecision`.
 */
export interface SubjectRetentionConfig {
  readonly keepNeverLinked: RetentionPeriod;
}

/**
 * The retention configuration: rules in order (the first rule that matches a signal decides for it), and
 * the period for subjects never linked to anything (the built-in one when absent).
 */
export interface RetentionConfig {
  readonly rules: readonly RetentionRule[];
  readonly subjects?: SubjectRetentionConfig;
}

/** What the rules need to know of a signal. Instants are ISO 8601 strings. */
export interface RetentionFacts {
  readonly source: SignalSource;
  readonly receivedAt: string;
  /** When the signal was dismissed in triage, or null. */
  readonly dismissedAt: string | null;
  /**
   * The case the signal is in, or null; `closedAt` is null while the case is open, `retentionClass` is the class
   * the state it was closed in declared (recorded by `CaseClosed`), null while open or when the state has none.
   */
  readonly case: { readonly model: string; readonly state: string; readonly closedAt: string | null; readonly retentionClass: string | null } | null;
}
