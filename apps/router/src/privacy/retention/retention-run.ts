import type { Actor } from '#contracts';

/** The actor of destructions under a retention rule: the product itself (the rule id is recorded with each). */
export const RETENTION_ACTOR: Actor = Object.freeze({ id: 'system', role: 'system' }) as Actor;

/** Who started a run: the daily schedule, or an administrator (`POST /v1/retention/runs`). */
export type RetentionTrigger = 'daily' | 'admin';

/** What a retention destruction is about: a signal's personal data, or a registered subject's identity. */
export type RetentionTarget = { signalId: string; subjectId?: never } | { subjectId: string; signalId?: never };

/** The id of a target (a signal's or a subject's). */
export const targetId = (target: RetentionTarget): string => target.signalId ?? target.subjectId!;

/** A legal hold that kept a signal's data or a subject's identity. */
export interface BlockingHold {
  holdId: string;
  owner: string;
}

/** What one run of the retention job did (as shown to a caller: only the municipalities of their token). */
export interface RetentionRunSummary {
  runId: string;
  trigger: RetentionTrigger;
  requestedBy: string;
  /** The municipalities the run applied the rules in: all for the daily run, the administrator's for one on request. */
  scope: 'all' | string[];
  /** The Dutch calendar date the rules were applied for. */
  day: string;
  startedAt: string;
  finishedAt: string;
  /**
   * Signals with personal data and registered subjects with their identity that the rules were applied to
   * (signals received too recently to be due under any rule are not read).
   */
  examined: number;
  /** Destroyed now (what an earlier run, or another process meanwhile, destroyed is not listed again). Subjects come after the signals. */
  shredded: (RetentionTarget & { municipality: string; rule: string; destructionId: string; keysDestroyed: number })[];
  /** Due, but kept because a legal hold covers them; they are destroyed by the first run after the hold is lifted. */
  held: (RetentionTarget & { municipality: string; rule: string; holds: BlockingHold[] })[];
  /** Due, but the destruction failed (retried by the next run). */
  failed: (RetentionTarget & { municipality: string; rule: string; error: string })[];
}

/** A run as stored (`retention_runs.summary`): signals and subjects examined are counted per municipality, so a view can be narrowed. */
export interface StoredRetentionRun extends Omit<RetentionRunSummary, 'examined'> {
  examinedPerMunicipality: Record<string, number>;
}

/** The part of a run a caller whose token names `municipalities` may see. */
export function retentionRunView(run: StoredRetentionRun, municipalities: readonly string[]): RetentionRunSummary {
  const { examinedPerMunicipality, ...rest } = run;
  const mine = <T extends { municipality: string }>(items: T[]) => items.filter((i) => municipalities.includes(i.municipality));
  return {
    ...rest,
    scope: run.scope === 'all' ? 'all' : run.scope.filter((m) => municipalities.includes(m)),
    examined: municipalities.reduce((n, m) => n + (examinedPerMunicipality[m] ?? 0), 0),
    shredded: mine(run.shredded),
    held: mine(run.held),
    failed: mine(run.failed),
  };
}

/** A signal whose personal data is due for destruction today. */
export interface DueSignal {
  signalId: string;
  municipality: string;
  source: string;
  rule: string;
  /** When the rule's period started (decision, dismissal or receipt), as a Dutch calendar date. */
  from: string;
  dueOn: string;
  /** Active legal holds that will keep it (empty: the next run destroys it). */
  holds: BlockingHold[];
}

/** A registered subject whose identity is due for destruction today (`subjectRetentionDecision` in #domain). */
export interface DueSubject {
  subjectId: string;
  municipality: string;
  rule: string;
  /** The last destruction of its signals, or its registration, as a Dutch calendar date. */
  from: string;
  dueOn: string;
  /** Active legal holds that will keep it (empty: the next run destroys it). */
  holds: BlockingHold[];
}
