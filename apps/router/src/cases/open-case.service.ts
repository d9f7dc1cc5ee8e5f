import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, essentialRelativeSignalIdsOf, isReporterRelation, type CaseState, type OpenCaseCommand } from '#domain';
import type { Database } from '#eventstore';
import { BLIND_INDEX, DATABASE, KEYRING, keyOwner, REQUEST_KEY_WINDOW, requestKey, type Keyring, type RequestKeyWindow } from '#platform';
import { municipalityScope, type BlindIndex, type Principal } from '#security';
import { ModelRegistry } from '../models/model-registry.js';
import type { RouterSignalsReader } from '../signals/router-signal.js';
import { ROUTER_SIGNALS_READER } from '../signals/router-signals.module.js';
import { SubjectsRepository } from '../subjects/subjects.repository.js';
import { CASE_COMMAND_RUNNER, type CaseCommandRunner } from './case-command.port.js';
import { caseNotFound } from './case-not-found.js';
import { CASE_REQUEST_KEYS } from './case-request-key.js';
import { CaseViewRepository } from './case-view.repository.js';
import { signalsForCase } from './signals-for-case.js';
import type { OpenCaseRequestDto } from './open-case.request.dto.js';

/**
 * Opens a case from signals in the router's signal read model: the case belongs to the signals'
 * municipality, counts `signal-received` deadlines from the earliest signal, names every zorgmelding made by an
 * essentiële naaste (whatever the order of `signalIds`: under the Wvggz only those reporters may hear the outcome;
 * the case's relation is then `essentiele-naaste`, else that of a zorgmelding's reporter), is about the subject asked for (422
 * `CASE.SUBJECT_UNKNOWN` when it is not registered there) or else the only subject its signals are linked to,
 * and is pinned to the requested model version or else the default version for the signals' municipality (its own newest, else the newest for all; 404
 * `MODEL.NOT_FOUND` for an unknown model or version, or a model with no version for that municipality; 422
 * `MODEL.NOT_FOR_MUNICIPALITY`, from the decider, for a requested version limited to other municipalities). The
 * case gets its own data key in the same statement: the free text written into the case later (reasons, notes,
 * plan) is sealed under it. With an `Idempotency-Key` (the caller's own), a request
 * sent again within `IDEMPOTENCY_KEY_RETENTION_HOURS` answers the case the first one opened, and the same key with
 * another request is refused (422 `IDEMPOTENCY.KEY_REUSED`): the key is recorded in the statement that opens the case.
 */
@Injectable()
export class OpenCaseService {
  constructor(
    @Inject(CASE_COMMAND_RUNNER) private readonly runner: CaseCommandRunner,
    @Inject(ROUTER_SIGNALS_READER) private readonly signals: RouterSignalsReader,
    private readonly registry: ModelRegistry,
    private readonly subjects: SubjectsRepository,
    @Inject(KEYRING) private readonly keyring: Keyring,
    @Inject(DATABASE) private readonly db: Database,
    private readonly cases: CaseViewRepository,
    @Inject(BLIND_INDEX) private readonly index: BlindIndex,
    @Inject(REQUEST_KEY_WINDOW) private readonly keyWindow: RequestKeyWindow,
  ) {}

  async open(dto: OpenCaseRequestDto, principal: Principal, ids: { traceparent: string | null; correlationId: string }, idempotencyKey?: string): Promise<{ state: CaseState; replayed: boolean }> {
    const key = idempotencyKey === undefined ? null : requestKey(this.index, principal.subject, idempotencyKey, JSON.parse(JSON.stringify(dto)));
    const earlier = key && (await CASE_REQUEST_KEYS.earlier(this.db, key, this.keyWindow.expiredBefore()));
    if (earlier) return this.openedBefore(earlier, principal);
    const { signals, municipality } = await signalsForCase(this.signals, dto.signalIds, principal);
    // The default is this municipality's: its own newest version, else the newest for all (never another
    // municipality's). A requested version limited to other municipalities is the decider's to refuse.
    const model = dto.modelVersion === undefined ? await this.registry.defaultFor(dto.model, municipality) : await this.registry.ensure(dto.model, dto.modelVersion);
    if (!model) throw new DomainError('MODEL.NOT_FOUND', 'No such model (version)', { model: dto.model, version: dto.modelVersion ?? null });
    const earliest = signals.map((s) => s.receivedAt).sort((a, b) => Date.parse(a) - Date.parse(b))[0]!;
    // Every zorgmelding counts, not the first one: the order the coordinator named the signals in decides nobody's right.
    const essentialRelativeSignalIds = essentialRelativeSignalIdsOf(signals);
    const relation = essentialRelativeSignalIds.length > 0 ? 'essentiele-naaste' : signals.find((s) => s.source === 'zorgmelding' && isReporterRelation(s.reporterRelation))?.reporterRelation;
    const linked = [...new Set(signals.map((s) => s.subjectId).filter((s): s is string => s !== null))];
    // The subject asked for, else the only subject the signals are linked to (none when they disagree).
    const subjectId = dto.subjectId ?? (linked.length === 1 ? linked[0] : undefined);
    const subject = subjectId === undefined ? null : await this.subjects.get(subjectId, [municipality]);
    if (dto.subjectId !== undefined && !subject) {
      throw new DomainError('CASE.SUBJECT_UNKNOWN', "Unknown subject: it is not registered in the signals' municipality", { subjectId: dto.subjectId });
    }
    // As linking a signal to it is refused: a new case about an erased subject (named, or the one its signals are
    // linked to) would start its personal data anew under a fresh key.
    if (subject?.personalDataErased) throw new DomainError('PRIVACY.ERASED', "This subject's personal data was erased: no case can be opened about it");
    const caseId = randomUUID();
    const command: OpenCaseCommand = {
      type: 'OpenCase',
      caseId,
      municipality,
      model: model.definition,
      signalIds: [...dto.signalIds],
      subjectId,
      reporterRelation: isReporterRelation(relation) ? relation : undefined,
      ...(essentialRelativeSignalIds.length > 0 ? { essentialRelativeSignalIds } : {}),
      signalReceivedAt: new Date(earliest).toISOString(),
      actor: { id: principal.subject, role: 'coordinator' },
    };
    try {
      const result = await this.runner.execute(caseId, command, {
        principal,
        traceparent: ids.traceparent,
        correlationId: ids.correlationId,
        specialCategory: signals.some((s) => s.source === 'zorgmelding'),
        rows: [this.keyring.newKey(keyOwner.case(caseId), municipality).row, ...(key ? [CASE_REQUEST_KEYS.row(key, caseId, this.keyWindow.now())] : [])],
      });
      return { state: result.state, replayed: false };
    } catch (error) {
      // The same request at the same moment recorded the key first: answer its case.
      const first = key && CASE_REQUEST_KEYS.isTaken(error) ? await CASE_REQUEST_KEYS.earlier(this.db, key, this.keyWindow.expiredBefore()) : null;
      if (first) return this.openedBefore(first, principal);
      throw error;
    }
  }

  private async openedBefore(caseId: string, principal: Principal): Promise<{ state: CaseState; replayed: boolean }> {
    const stored = await this.cases.get(caseId, municipalityScope(principal));
    if (!stored) throw caseNotFound();
    return { state: stored.state, replayed: true };
  }
}
