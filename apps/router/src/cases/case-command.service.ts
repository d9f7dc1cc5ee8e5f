import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { TOPICS, type NewEvent, type Role } from '#contracts';
import { CASE_EVENT_VERSION, decideCase, DomainError, foldCase, hasCaseCommandText, hasTransitionFieldValues, mapCaseCommandText, NO_CASE, sealTransitionFields, withholdErasedCaseText, withholdErasedTransitionFields, type CaseActor, type CaseCommand, type CaseEvent, type CaseState, type MunicipalityCalendars, type TableDirectory } from '#domain';
import { OutboxRelay, rowTable, VersionConflictError, type RowTable, type TableRow } from '#eventstore';
import { CLOCK, KEYRING, keyOwner, OUTBOX_RELAY, type Clock, type Keyring } from '#platform';
import { isSealedValue, requireMunicipality, sealedKeyId, writeScope, type Principal } from '#security';
import { nextDeadlineAt } from '../deadlines/next-deadline-at.js';
import { SYSTEM_ACTOR } from '../deadlines/due-deadline-commands.js';
import { ModelRegistry } from '../models/model-registry.js';
import { caseLinkRows } from '../signals/router-signal-case-links.js';
import { referralLinkRows } from '../referrals/referral-case-links.js';
import type { CaseCommandOptions, CaseCommandResult, CaseCommandRunner } from './case-command.port.js';
import { CASE_PROCESSING_ACTIVITY, caseLegalBasis, caseStreamId, caseSubjects, SPECIAL_CATEGORY_MODELS } from './case-processing.js';
import { CaseCommitBatcher } from './case-commit.batcher.js';
import { caseCommitGuard, caseCommitRefusal, caseKeyGuard } from './case-commit-guard.js';
import { caseNotFound } from './case-not-found.js';
import { caseVersionConflict } from './case-version-conflict.js';
import { CaseViewLoader } from './case-view.loader.js';
import { CaseViewRepository } from './case-view.repository.js';
import { MUNICIPALITY_CALENDARS } from './municipality-calendars.provider.js';
import { TABLE_DIRECTORY } from './table-directory.provider.js';

type ExistingCase = Exclude<CaseState, { status: 'none' }>;

/**
 * A command ready for the decider, with its free text sealed, and what is to be done to the events decided from it
 * (seal or withhold a transition's field values); the data key row to insert with them (a case from before field
 * encryption gets its key now) and the stored key sealed with (checked in the statement).
 */
interface SealedCommand {
  command: CaseCommand;
  sealEvents: (events: CaseEvent[]) => CaseEvent[];
  keyRows: TableRow[];
  sealedWith: string | null;
}
const unsealed = (command: CaseCommand): SealedCommand => ({ command, sealEvents: (events) => events, keyRows: [], sealedWith: null });

/** How often a command without an expected version is decided when other writers keep being first. */
const UNPINNED_ATTEMPTS = 5;

/**
 * Load, decide, append: the state comes from `case_view`, the pure decider (`decideCase`) says what
 * happens, and the events go to stream `case-<id>` (published on `signaalroute.cases.v1`, keyed by the
 * stream id) in ONE statement with the upsert of the case's `case_view` row and the request's
 * processing-log line. Under load, commands on different cases share their reads (`CaseViewLoader`) and
 * their statements (`CaseCommitBatcher`); each is still checked against its own case's version.
 *
 * The upsert has no `WHERE case_view.version = <loaded>`: the events' unique `(stream_id, stream_version)`
 * in the same statement already lets only one writer per loaded version commit (a second one fails as a
 * whole, view row included), and the store refuses to append at a version other than the stream's head,
 * so a row that lagged its stream would surface as a conflict instead of being overwritten.
 */
@Injectable()
export class CaseCommandService implements CaseCommandRunner {
  constructor(
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    private readonly registry: ModelRegistry,
    private readonly cases: CaseViewRepository,
    private readonly loader: CaseViewLoader,
    private readonly commits: CaseCommitBatcher,
    @Inject(KEYRING) private readonly keyring: Keyring,
    @Inject(TABLE_DIRECTORY) private readonly tables: TableDirectory,
    @Inject(MUNICIPALITY_CALENDARS) private readonly calendars: MunicipalityCalendars,
  ) {}

  /**
   * The command with its free text sealed under the case's data key (see `mapCaseCommandText`), and `sealEvents`,
   * which seals the values of a transition's fields in the events decided from it (`sealTransitionFields`): those are
   * sealed after the decision, because a guard reads them as given. A plan measure whose text is already in the plan
   * keeps its sealed value, so setting the same plan again is still no change (sealing the same text twice gives two
   * different ciphertexts). On a case whose key was destroyed (erased), a transition goes ahead with its reason and its
   * field values withheld, and any other text is refused (`withholdErasedCaseText`, `withholdErasedTransitionFields`).
   */
  private async sealText(caseId: string, municipality: string, command: CaseCommand, state: CaseState): Promise<SealedCommand> {
    if (!hasCaseCommandText(command) && !hasTransitionFieldValues(command)) return unsealed(command);
    const sealer = await this.keyring.sealerFor(keyOwner.case(caseId), municipality);
    if (sealer === 'destroyed') {
      const withheld = withholdErasedCaseText(command);
      if (!withheld) throw new DomainError('PRIVACY.ERASED', "This case's personal data was erased: no new text can be added to it");
      return { command: withheld, sealEvents: withholdErasedTransitionFields, keyRows: [], sealedWith: null };
    }
    const current = new Map<string, string>();
    if (command.type === 'SetPlan' && state.status !== 'none' && state.plan) {
      const sealed = state.plan.measures.map((m) => m.description);
      const { value: opened } = await this.keyring.reveal(sealed);
      opened.forEach((text, i) => text !== null && current.set(text, sealed[i]!));
    }
    // Text sealed already under this case's key (a table's return reason, sealed by the tables app) stays as it is.
    // Any other text that looks sealed is sealed like any text: another case's ciphertext pasted into this one must
    // not be opened here, nor outlive this case's erasure.
    const seal = (text: string) => current.get(text) ?? (isSealedValue(text) && sealedKeyId(text) === sealer.keyId ? text : sealer.seal(text));
    // A key this statement inserts needs no check; a stored one (perhaps kept by this process) must still be live.
    return {
      command: mapCaseCommandText(command, seal),
      sealEvents: (events) => sealTransitionFields(events, sealer.seal),
      keyRows: sealer.row ? [sealer.row] : [],
      sealedWith: sealer.row ? null : sealer.keyId,
    };
  }

  /**
   * A command without an expected version (no `If-Match`) is for the case as it is: when another writer commits
   * between this one's read and its append (a deadline timer, a table's answer, a colleague's note), it is decided
   * again on the case as it is then, up to `UNPINNED_ATTEMPTS` times, rather than refused with a 409 the caller did
   * not ask for. A command with an expected version is refused at once, as `If-Match` asks.
   */
  async execute(caseId: string, command: CaseCommand, options: CaseCommandOptions): Promise<CaseCommandResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(caseId, command, options);
      } catch (error) {
        const retry = options.expectedVersion === undefined && attempt < UNPINNED_ATTEMPTS && error instanceof DomainError && error.code === 'EVENTSTORE.VERSION_CONFLICT';
        if (!retry) throw error;
      }
    }
  }

  private async attempt(caseId: string, command: CaseCommand, options: CaseCommandOptions): Promise<CaseCommandResult> {
    const { principal } = options;
    // The actor is whoever is authenticated, never what a caller put in the command.
    const actor: CaseActor = principal ? { id: principal.subject, role: principal.role as CaseActor['role'] } : SYSTEM_ACTOR;
    const cmd = { ...command, actor } as CaseCommand;
    const stored = await this.loader.get(caseId, principal ? writeScope(principal) : 'all');

    let state: CaseState;
    if (cmd.type === 'OpenCase') {
      if (cmd.caseId !== caseId) throw new RangeError('OpenCase: the command is for another case id');
      if (principal) requireMunicipality(principal, cmd.municipality);
      state = stored?.state ?? NO_CASE;
    } else {
      if (!stored) throw caseNotFound();
      state = stored.state;
      // Pinned versions published by another process are loaded before the (synchronous) decider needs them.
      await this.registry.ensure(state.model.id, state.model.version);
    }
    if (options.expectedVersion !== undefined && options.expectedVersion !== state.version) {
      throw caseVersionConflict(caseId, options.expectedVersion, state.version);
    }

    const now = this.clock();
    // Free text is sealed under the case's key; a case from before field encryption gets its key now.
    const sealed = state.status === 'none' ? unsealed(cmd) : await this.sealText(caseId, state.municipality, cmd, state);
    // Working days are the case's municipality's (its closing days from the regional configuration), for every term
    // this command opens, replaces, warns of or resumes; the moments computed are stored in the events.
    const calendar = this.calendars(state.status === 'none' ? (cmd as Extract<CaseCommand, { type: 'OpenCase' }>).municipality : state.municipality);
    const events = sealed.sealEvents(decideCase(sealed.command, state, { now, newId: randomUUID, models: this.registry.resolve, tables: this.tables, calendar }));
    if (events.length === 0) return { state, events };
    const next = foldCase(events, state) as ExistingCase;
    const specialCategory = (stored?.specialCategory ?? false) || options.specialCategory === true || SPECIAL_CATEGORY_MODELS.includes(next.model.id);
    const envelopes = this.envelopes(events, next, actor, specialCategory, now, options);

    const processingLog = options.processingLog;
    const rows = (appended: readonly { hash: string }[]): TableRow[] => [
      caseViewRow(next, specialCategory, now, appended[appended.length - 1]!.hash),
      ...(processingLog ? processingLog.rows(caseSubjects(caseId, next.subjectId)) : []),
      ...(options.rows ?? []),
      ...sealed.keyRows,
      ...caseLinkRows(events),
      ...referralLinkRows(events),
    ];
    // Signals put in the case, and the subject it is about, are checked again in the statement (a dismissal or erasure
    // in flight), and so is the key new text was sealed with (an erasure in flight may be destroying it).
    const guards = [caseCommitGuard(events, next.subjectId), sealed.sealedWith === null ? null : caseKeyGuard(sealed.sealedWith)].filter((g) => g !== null);
    try {
      await this.commits.commit({
        streamId: caseStreamId(caseId),
        expectedVersion: state.version,
        events: envelopes,
        options: { topic: TOPICS.cases, knownHeadHash: stored?.headHash ?? undefined, rows, guards },
      });
    } catch (error) {
      const refused = caseCommitRefusal(error);
      if (refused) throw refused;
      if (error instanceof VersionConflictError) {
        const actual = Number(error.details?.actualVersion ?? -1);
        throw caseVersionConflict(caseId, state.version, actual >= 0 ? actual : await this.cases.version(caseId));
      }
      throw error;
    }
    if (processingLog) processingLog.written = true;
    this.relay?.nudge();
    return { state: next, events };
  }

  private envelopes(events: CaseEvent[], next: ExistingCase, actor: CaseActor, specialCategory: boolean, now: Date, options: CaseCommandOptions): NewEvent[] {
    const correlationId = options.correlationId ?? randomUUID();
    const legalBasis = caseLegalBasis(next.model.id);
    return events.map((event) => {
      const { type, ...payload } = event;
      return {
        id: randomUUID(),
        type,
        version: CASE_EVENT_VERSION,
        occurredAt: now.toISOString(),
        municipality: next.municipality,
        actor: { id: actor.id, role: actor.role as Role },
        correlationId,
        traceparent: options.traceparent ?? null,
        processingActivity: CASE_PROCESSING_ACTIVITY,
        legalBasis,
        specialCategory,
        payload: payload as Record<string, unknown>,
      };
    });
  }
}

const CASE_VIEW_COLUMNS = {
  case_id: 'uuid', municipality: 'text', model_id: 'text', model_version: 'integer', current_state: 'text', status: 'text', version: 'integer',
  special_category: 'boolean', state: 'jsonb', next_deadline_at: 'timestamptz', opened_at: 'timestamptz', updated_at: 'timestamptz', head_hash: 'text',
};
const CASE_VIEW_UPSERT = `ON CONFLICT (case_id) DO UPDATE SET model_id = EXCLUDED.model_id, model_version = EXCLUDED.model_version, current_state = EXCLUDED.current_state,
  status = EXCLUDED.status, version = EXCLUDED.version, special_category = EXCLUDED.special_category, state = EXCLUDED.state,
  next_deadline_at = EXCLUDED.next_deadline_at, updated_at = EXCLUDED.updated_at, head_hash = EXCLUDED.head_hash`;
const caseViewTables = new Map<string, RowTable>();

/** The `case_view` table (or a replay's copy of it) as an upsert of rows. */
function caseViewTable(name: string): RowTable {
  let table = caseViewTables.get(name);
  if (!table) caseViewTables.set(name, (table = rowTable(name, CASE_VIEW_COLUMNS, CASE_VIEW_UPSERT)));
  return table;
}

/** The `case_view` row after the command, upserted with its events (into `table` for a replay). */
export function caseViewRow(next: ExistingCase, specialCategory: boolean, now: Date, headHash: string, table = 'case_view'): TableRow {
  return {
    table: caseViewTable(table),
    values: {
      case_id: next.caseId, municipality: next.municipality, model_id: next.model.id, model_version: next.model.version, current_state: next.currentState,
      status: next.status, version: next.version, special_category: specialCategory, state: JSON.stringify(next), next_deadline_at: nextDeadlineAt(next),
      opened_at: next.openedAt, updated_at: now.toISOString(), head_hash: headHash,
    },
  };
}
