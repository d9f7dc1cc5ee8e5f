import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  amsterdamDateOf,
  DomainError,
  retentionDecision,
  retentionReceiptCutoff,
  subjectRetentionDecision,
  subjectRetentionOf,
  type RetentionConfig,
  type SubjectRetentionConfig,
} from '#domain';
import type { Database } from '#eventstore';
import { CLOCK, DATABASE, keyOwner, LOGGER, type Clock } from '#platform';
import type { MunicipalityScope } from '#security';
import { signalStreamId } from '../../signals/signal-stream.js';
import { markSubjectErased } from '../../subjects/mark-subject-erased.js';
import { subjectStreamId } from '../../subjects/subject-stream.js';
import { PersonalDataShredder, type ShredResult } from '../personal-data-shredder.js';
import { lockPersonalDataOf } from '../privacy-lock.js';
import { casesLeftWithoutLiveSignal } from './cases-of-a-signal.js';
import { RETENTION_CONFIG } from './retention-config.provider.js';
import { RetentionFactsRepository, type RetentionCandidate } from './retention-facts.repository.js';
import {
  RETENTION_ACTOR,
  retentionRunView,
  type BlockingHold,
  type DueSignal,
  type DueSubject,
  type RetentionRunSummary,
  type RetentionTarget,
  type RetentionTrigger,
  type StoredRetentionRun,
} from './retention-run.js';
import { SubjectRetentionFactsRepository, type SubjectRetentionCandidate } from './subject-retention-facts.repository.js';

/** Signals or subjects read per page. */
/** What every retention destruction records besides what it destroys: the rule's reason, the job as approver, the run. */
const recordedAsRetention = (decision: { rule: { title: string }; from: string; dueOn: string }, now: Date, runId: string) => ({
  reason: `${decision.rule.title} (termijn vanaf ${decision.from}, vernietigen vanaf ${decision.dueOn})`,
  approvedBy: RETENTION_ACTOR,
  at: now,
  correlationId: runId,
  traceparent: null,
});

const PAGE = 500;
const DATA_CLASS = 'Persoonsgegevens in het signaal (inhoud, betrokkenen, kenmerken voor koppeling, melder in de kluis); ook de vrije tekst van elke gesloten zaak waarvan het het laatste signaal met persoonsgegevens was';
const SUBJECT_DATA_CLASS = 'Identiteit van het subject (naam, geboortedatum, BSN, adres, postcode); het subject wordt niet meer voorgesteld of gekoppeld';

/** Where a page of the due list starts: after this signal (signals come first), or after this subject. */
export type DueCursor = { kind: 'signal' | 'subject'; id: string };

/**
 * The retention job: applies the retention rules (pure, `retentionDecision` in #domain) to every signal
 * whose personal data still exists, and crypto-shreds each due one through `PersonalDataShredder`: its data
 * key destroyed, a destruction record (rule id, approved by the system actor) and `PersonalDataShredded` on
 * the signal's stream, in one transaction per signal; every closed case of the signal that it leaves without a
 * signal holding data loses its own key in the same transaction. Each due signal is re-checked inside that
 * transaction on the sources of record (its stream, the case view). A legal hold on the signal, its subject,
 * any of its cases or the subject any of those cases is about skips it and the run reports it. Idempotent: a
 * destroyed key is not destroyed or recorded again, so a second run on the same day (in this process or
 * another one) destroys nothing more.
 * Then, the same way, registered subjects (pure `subjectRetentionDecision`): a subject nothing justifies
 * keeping any more loses its identity — its data key destroyed, the record and event on the subject's stream,
 * and it is marked erased as an erasure on request does (`markSubjectErased`). Subjects come after the
 * signals, so a subject whose last signal a run destroys goes in the same run.
 */
@Injectable()
export class RetentionJob {
  /** The run in progress in this process; runs here never overlap. */
  private current: Promise<unknown> = Promise.resolve();
  /** The subject rules' configuration (the rules file's, else the built-in one). */
  private readonly subjectRetention: SubjectRetentionConfig;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(RETENTION_CONFIG) private readonly config: RetentionConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly facts: RetentionFactsRepository,
    private readonly subjectFacts: SubjectRetentionFactsRepository,
    private readonly shredder: PersonalDataShredder,
  ) {
    this.subjectRetention = subjectRetentionOf(config);
  }

  /**
   * Today's daily run, unless a process has claimed it already (one row per Dutch calendar day in
   * `retention_runs`): null when it was claimed elsewhere or earlier.
   */
  runDaily(): Promise<StoredRetentionRun | null> {
    return this.serialised(async () => {
      const now = this.clock();
      const runId = randomUUID();
      const claimed = await this.db.query(
        `INSERT INTO retention_runs (run_id, run_day, trigger, requested_by, started_at) VALUES ($1::uuid, $2::date, 'daily', $3, $4::timestamptz)
         ON CONFLICT (run_day) WHERE trigger = 'daily' DO NOTHING RETURNING run_id`,
        [runId, amsterdamDateOf(now), RETENTION_ACTOR.id, now.toISOString()],
      );
      return claimed.rows.length === 0 ? null : this.execute(runId, 'daily', RETENTION_ACTOR.id, now, 'all');
    });
  }

  /** A run now in `municipalities` (the administrator's), whatever ran today already. */
  runNow(requestedBy: string, municipalities: readonly string[]): Promise<RetentionRunSummary> {
    return this.serialised(async () => {
      const now = this.clock();
      const runId = randomUUID();
      await this.db.query(
        `INSERT INTO retention_runs (run_id, run_day, trigger, requested_by, started_at) VALUES ($1::uuid, $2::date, 'admin', $3, $4::timestamptz)`,
        [runId, amsterdamDateOf(now), requestedBy, now.toISOString()],
      );
      return retentionRunView(await this.execute(runId, 'admin', requestedBy, now, [...municipalities]), municipalities);
    });
  }

  /**
   * What is due today (held ones included, with their holds): signals in signal-id order, then subjects in
   * subject-id order, from `after` on.
   */
  async due(scope: MunicipalityScope, limit: number, after: DueCursor | null): Promise<{ day: string; items: (DueSignal | DueSubject)[]; next: DueCursor | null }> {
    const day = amsterdamDateOf(this.clock());
    const found: { cursor: DueCursor; holdOwners: string[]; item: Omit<DueSignal, 'holds'> | Omit<DueSubject, 'holds'> }[] = [];
    if (after?.kind !== 'subject') {
      let cursor = after?.id ?? null;
      for (let more = true; found.length <= limit && more; ) {
        const page = await this.facts.page(cursor, PAGE, scope, this.receivedBefore(day));
        more = page.length === PAGE;
        for (const candidate of page) {
          cursor = candidate.signalId;
          const decision = retentionDecision(candidate.facts, this.config.rules, day);
          if (!decision?.due) continue;
          const { signalId, municipality } = candidate;
          found.push({ cursor: { kind: 'signal', id: signalId }, holdOwners: candidate.holdOwners, item: { signalId, municipality, source: candidate.facts.source, rule: decision.rule.id, from: decision.from, dueOn: decision.dueOn } });
          if (found.length > limit) break;
        }
      }
    }
    let cursor = after?.kind === 'subject' ? after.id : null;
    for (let more = true; found.length <= limit && more; ) {
      const page = await this.subjectFacts.page(cursor, PAGE, scope);
      more = page.length === PAGE;
      for (const candidate of page) {
        cursor = candidate.subjectId;
        const decision = subjectRetentionDecision(candidate.facts, this.subjectRetention, day);
        if (!decision?.due) continue;
        const { subjectId, municipality } = candidate;
        found.push({ cursor: { kind: 'subject', id: subjectId }, holdOwners: candidate.holdOwners, item: { subjectId, municipality, rule: decision.rule.id, from: decision.from, dueOn: decision.dueOn } });
        if (found.length > limit) break;
      }
    }
    const shown = found.slice(0, limit);
    const holds = await this.activeHolds(shown.flatMap((f) => f.holdOwners));
    return {
      day,
      items: shown.map((f) => ({ ...f.item, holds: holds.filter((h) => f.holdOwners.includes(h.owner)) })),
      next: found.length > limit ? shown[shown.length - 1]!.cursor : null,
    };
  }

  /**
   * The latest runs that applied the rules in one of `municipalities` (daily runs, and runs requested for
   * them), newest first, each narrowed to those municipalities; `summary` is null while a run is in progress.
   */
  async recentRuns(limit: number, municipalities: readonly string[]): Promise<{ runId: string; trigger: RetentionTrigger; startedAt: string; finishedAt: string | null; summary: RetentionRunSummary | null }[]> {
    const r = await this.db.query<{ run_id: string; trigger: RetentionTrigger; started_at: Date | string; finished_at: Date | string | null; summary: StoredRetentionRun | string | null }>(
      `SELECT run_id, trigger, started_at, finished_at, summary FROM retention_runs
        WHERE trigger = 'daily' OR (summary IS NOT NULL AND EXISTS (SELECT 1 FROM jsonb_array_elements_text(summary->'scope') m WHERE m = ANY($2::text[])))
        ORDER BY started_at DESC, run_id DESC LIMIT $1`,
      [limit, municipalities],
    );
    return r.rows.map((row) => {
      const stored = typeof row.summary === 'string' ? (JSON.parse(row.summary) as StoredRetentionRun) : row.summary;
      return {
        runId: row.run_id,
        trigger: row.trigger,
        startedAt: new Date(row.started_at).toISOString(),
        finishedAt: row.finished_at === null ? null : new Date(row.finished_at).toISOString(),
        summary: stored && retentionRunView(stored, municipalities),
      };
    });
  }

  /** Signals received from this instant on cannot be due on `day` under any rule (`retentionReceiptCutoff`); UTC midnight is after Amsterdam's, so it errs on reading more. */
  private receivedBefore(day: string): string {
    return `${retentionReceiptCutoff(this.config.rules, day)}T00:00:00.000Z`;
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.current.catch(() => undefined).then(work);
    this.current = next;
    return next;
  }

  private async execute(runId: string, trigger: RetentionTrigger, requestedBy: string, now: Date, scope: 'all' | string[]): Promise<StoredRetentionRun> {
    const day = amsterdamDateOf(now);
    const summary: StoredRetentionRun = { runId, trigger, requestedBy, scope, day, startedAt: now.toISOString(), finishedAt: '', examinedPerMunicipality: {}, shredded: [], held: [], failed: [] };
    const examine = (municipality: string) => (summary.examinedPerMunicipality[municipality] = (summary.examinedPerMunicipality[municipality] ?? 0) + 1);
    let after: string | null = null;
    for (;;) {
      const page = await this.facts.page(after, PAGE, scope, this.receivedBefore(day));
      for (const candidate of page) {
        examine(candidate.municipality);
        const decision = retentionDecision(candidate.facts, this.config.rules, day);
        if (decision?.due) await this.destroy(candidate, runId, now, day, summary);
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.signalId;
    }
    after = null;
    for (;;) {
      const page = await this.subjectFacts.page(after, PAGE, scope);
      for (const candidate of page) {
        examine(candidate.municipality);
        const decision = subjectRetentionDecision(candidate.facts, this.subjectRetention, day);
        if (decision?.due) await this.destroySubject(candidate, decision.rule.id, runId, now, day, summary);
      }
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.subjectId;
    }
    summary.finishedAt = this.clock().toISOString();
    await this.db.query('UPDATE retention_runs SET finished_at = $2::timestamptz, summary = $3::jsonb WHERE run_id = $1::uuid', [runId, summary.finishedAt, JSON.stringify(summary)]);
    this.logger.info(
      { component: 'retention', runId, trigger, day, examined: Object.values(summary.examinedPerMunicipality).reduce((a, b) => a + b, 0), shredded: summary.shredded.length, held: summary.held.length, failed: summary.failed.length },
      'retention run finished',
    );
    return summary;
  }

  /**
   * Destroys one due signal's data in a transaction of its own, after checking on the sources of record that it
   * is still due: the signal's data key and, with it, the key of every case of the signal that is closed and
   * left without a signal holding data (`casesLeftWithoutLiveSignal`), unless a legal hold on the signal, its
   * subject, one of its cases or one of their subjects keeps it. The municipality's personal-data lock is taken
   * before reading, so two destructions of a case's last two signals (two processes at once) see each other:
   * the later one takes the case's key.
   */
  private async destroy(candidate: RetentionCandidate, runId: string, now: Date, day: string, summary: StoredRetentionRun): Promise<void> {
    const { signalId, municipality } = candidate;
    let rule = retentionDecision(candidate.facts, this.config.rules, day)!.rule.id;
    await this.attempt({ signalId }, municipality, () => rule, runId, summary, () => this.db.transaction(async (tx) => {
      await lockPersonalDataOf(tx, municipality);
      const current = await this.facts.current(tx, signalId);
      const decision = current && retentionDecision(current.facts, this.config.rules, day);
      if (!current || !decision?.due) return null;
      rule = decision.rule.id;
      return this.shredder.shred(tx, {
        streamId: signalStreamId(signalId),
        owners: [keyOwner.signal(signalId), ...casesLeftWithoutLiveSignal(current.cases).map(keyOwner.case)],
        holdOwners: current.holdOwners,
        municipality,
        dataClass: DATA_CLASS,
        rule,
        ...recordedAsRetention(decision, now, runId),
      });
    }));
  }

  /**
   * Destroys one due subject's identity in a transaction of its own, after checking on the sources of record
   * (its row locked) that it is still due: its data key, the record and event on its stream, and the subject
   * marked erased (lookup keys cleared) — as an erasure request does for the subject itself.
   */
  private async destroySubject(candidate: SubjectRetentionCandidate, firstRule: string, runId: string, now: Date, day: string, summary: StoredRetentionRun): Promise<void> {
    const { subjectId, municipality } = candidate;
    let rule = firstRule;
    await this.attempt({ subjectId }, municipality, () => rule, runId, summary, () => this.db.transaction(async (tx) => {
      const current = await this.subjectFacts.current(tx, subjectId);
      const decision = current && subjectRetentionDecision(current.facts, this.subjectRetention, day);
      if (!current || !decision?.due) return null;
      rule = decision.rule.id;
      const done = await this.shredder.shred(tx, {
        streamId: subjectStreamId(subjectId),
        owners: [keyOwner.subject(subjectId)],
        holdOwners: current.holdOwners,
        municipality,
        dataClass: SUBJECT_DATA_CLASS,
        rule,
        ...recordedAsRetention(decision, now, runId),
      });
      if (done) await markSubjectErased(tx, subjectId, now);
      return done;
    }));
  }

  /** Runs one destruction and reports it in the run: destroyed, kept by a legal hold, or failed (retried next run). */
  private async attempt(target: RetentionTarget, municipality: string, rule: () => string, runId: string, summary: StoredRetentionRun, work: () => Promise<ShredResult | null>): Promise<void> {
    try {
      const done = await work();
      if (done) summary.shredded.push({ ...target, municipality, rule: rule(), destructionId: done.destructionId, keysDestroyed: done.keysDestroyed });
    } catch (error) {
      if (error instanceof DomainError && error.code === 'PRIVACY.LEGAL_HOLD') {
        summary.held.push({ ...target, municipality, rule: rule(), holds: (error.details as { holds: BlockingHold[] }).holds });
        return;
      }
      this.logger.warn({ component: 'retention', runId, ...target, err: error }, 'retention destruction failed; retried next run');
      summary.failed.push({ ...target, municipality, rule: rule(), error: error instanceof DomainError ? error.code : 'INTERNAL' });
    }
  }

  private async activeHolds(owners: string[]): Promise<BlockingHold[]> {
    if (owners.length === 0) return [];
    const r = await this.db.query<{ hold_id: string; owner: string }>('SELECT hold_id, owner FROM legal_holds WHERE owner = ANY($1::text[]) AND lifted_at IS NULL ORDER BY placed_at', [owners]);
    return r.rows.map((h) => ({ holdId: h.hold_id, owner: h.owner }));
  }
}
