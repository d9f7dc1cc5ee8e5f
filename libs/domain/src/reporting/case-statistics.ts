import { BUILT_IN_MODELS } from '../models/built-in/built-in-models.js';
import { pickupOutcome, PICKUP_TERM, type PickupDeadline, type PickupOutcome } from './pickup-outcome.js';
import { reportCounts, type ReportedCount } from './small-count.js';

/** One case as the case statistics need it: no subject, no free text. */
export interface CaseStatisticsRow {
  model: string;
  currentState: string;
  status: 'open' | 'closed';
  /** The case's referrals: the table and the table's answer (absent while it has not answered). */
  referrals: { table: string; outcome?: 'accepted' | 'returned' | 'rejected' }[];
  /** The pickup deadline (cases of `PICKUP_TERM.model` only; null when the case has none). */
  pickup: PickupDeadline | null;
}

export interface CaseCounts<C> {
  total: C;
  open: C;
  closed: C;
}

export interface ReferralCounts<C> {
  total: C;
  open: C;
  accepted: C;
  returned: C;
  /** Refused by the tables app before the table saw them (neither open nor answered by the table). */
  rejected: C;
}

/** Case figures for a council report (DOMAIN.md §7), with `C` the type of a count. */
export interface CaseStatistics<C> {
  cases: CaseCounts<C>;
  /** Every built-in model (zeros included) and any other model seen; per model the current states seen. */
  byModel: ({ model: string; byState: ({ state: string } & CaseCounts<C>)[] } & CaseCounts<C>)[];
  /** Referrals per table (tables seen only), by the table's answer. */
  referrals: ReferralCounts<C> & { byTable: ({ table: string } & ReferralCounts<C>)[] };
  /** Cases of the undermining intake by whether they left `ontvangst` within the pickup deadline. */
  pickup: { model: string; state: string } & Record<PickupOutcome, C>;
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

function countCases(rows: readonly CaseStatisticsRow[]): CaseCounts<number> {
  const open = rows.filter((r) => r.status === 'open').length;
  return { total: rows.length, open, closed: rows.length - open };
}

function countReferrals(referrals: readonly CaseStatisticsRow['referrals'][number][]): ReferralCounts<number> {
  const accepted = referrals.filter((r) => r.outcome === 'accepted').length;
  const returned = referrals.filter((r) => r.outcome === 'returned').length;
  const rejected = referrals.filter((r) => r.outcome === 'rejected').length;
  return { total: referrals.length, open: referrals.length - accepted - returned - rejected, accepted, returned, rejected };
}

/**
 * Counts of cases per model and current state (for `ave` the escalations per AVE phase, for
 * `7-stappenmodel` the youth groups per step), open and closed; referrals per table and answer; and the
 * pickup of undermining signals against the deadline. Exact counts: `reportCaseStatistics` is what a report shows.
 */
export function summarizeCaseStatistics(rows: readonly CaseStatisticsRow[]): CaseStatistics<number> {
  const models = [...BUILT_IN_MODELS.map((m) => m.id).sort(), ...sorted(rows.map((r) => r.model)).filter((id) => !BUILT_IN_MODELS.some((m) => m.id === id))];
  const referrals = rows.flatMap((r) => r.referrals);
  const outcomes = rows.filter((r) => r.model === PICKUP_TERM.model && r.pickup !== null).map((r) => pickupOutcome(r.pickup!));
  const pickupCount = (outcome: PickupOutcome) => outcomes.filter((o) => o === outcome).length;
  return {
    cases: countCases(rows),
    byModel: models.map((model) => {
      const ofModel = rows.filter((r) => r.model === model);
      return {
        model,
        ...countCases(ofModel),
        byState: sorted(ofModel.map((r) => r.currentState)).map((state) => ({ state, ...countCases(ofModel.filter((r) => r.currentState === state)) })),
      };
    }),
    referrals: {
      ...countReferrals(referrals),
      byTable: sorted(referrals.map((r) => r.table)).map((table) => ({ table, ...countReferrals(referrals.filter((r) => r.table === table)) })),
    },
    pickup: {
      model: PICKUP_TERM.model,
      state: PICKUP_TERM.state,
      withinDeadline: pickupCount('withinDeadline'),
      afterDeadline: pickupCount('afterDeadline'),
      waiting: pickupCount('waiting'),
    },
  };
}

/** The case figures as a report shows them: every count of 1 to 4 as `"<5"` (see `reportCount`); no percentages. */
export function reportCaseStatistics(rows: readonly CaseStatisticsRow[]): CaseStatistics<ReportedCount> {
  const exact = summarizeCaseStatistics(rows);
  const { byTable, ...referralCounts } = exact.referrals;
  const { model, state, ...pickupCounts } = exact.pickup;
  return {
    cases: reportCounts(exact.cases),
    byModel: exact.byModel.map(({ model, byState, ...counts }) => ({
      model,
      ...reportCounts(counts),
      byState: byState.map(({ state, ...c }) => ({ state, ...reportCounts(c) })),
    })),
    referrals: {
      ...reportCounts(referralCounts),
      byTable: byTable.map(({ table, ...c }) => ({ table, ...reportCounts(c) })),
    },
    pickup: { model, state, ...reportCounts(pickupCounts) },
  };
}
