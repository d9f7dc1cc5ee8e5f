import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, isReporterRelation, type CaseState, type OpenCaseCommand } from '#domain';
import { KEYRING, keyOwner, type Keyring } from '#platform';
import type { Principal } from '#security';
import { ModelRegistry } from '../models/model-registry.js';
import type { RouterSignalsReader } from '../signals/router-signal.js';
import { ROUTER_SIGNALS_READER } from '../signals/router-signals.module.js';
import { SubjectsRepository } from '../subjects/subjects.repository.js';
import { CASE_COMMAND_RUNNER, type CaseCommandRunner } from './case-command.port.js';
import { signalsForCase } from './signals-for-case.js';
import type { OpenCaseRequestDto } from './open-case.request.dto.js';

/**
 * Opens a case from signals in the router's signal read model: the case belongs to the signals'
 * municipality, counts `signal-received` deadlines from the earliest signal, takes the reporter relation
 * from a zorgmelding (an essentiële naaste may hear a Wvggz outcome), is about the subject asked for (422
 * `CASE.SUBJECT_UNKNOWN` when it is not registered there) or else the only subject its signals are linked to,
 * and is pinned to the requested model version or the latest one (404 `MODEL.NOT_FOUND` for an unknown
 * model or version). The case gets its own data key in the same statement: the free text written into the
 * case later (reasons, notes, plan) is sealed under it.
 */
@Injectable()
export class OpenCaseService {
  constructor(
    @Inject(CASE_COMMAND_RUNNER) private readonly runner: CaseCommandRunner,
    @Inject(ROUTER_SIGNALS_READER) private readonly signals: RouterSignalsReader,
    private readonly registry: ModelRegistry,
    private readonly subjects: SubjectsRepository,
    @Inject(KEYRING) private readonly keyring: Keyring,
  ) {}

  async open(dto: OpenCaseRequestDto, principal: Principal, ids: { traceparent: string | null; correlationId: string }): Promise<CaseState> {
    const model = dto.modelVersion === undefined ? await this.registry.latest(dto.model) : await this.registry.ensure(dto.model, dto.modelVersion);
    if (!model) throw new DomainError('MODEL.NOT_FOUND', 'No such model (version)', { model: dto.model, version: dto.modelVersion ?? null });
    const { signals, municipality } = await signalsForCase(this.signals, dto.signalIds, principal);
    const earliest = signals.map((s) => s.receivedAt).sort((a, b) => Date.parse(a) - Date.parse(b))[0]!;
    const relation = signals.find((s) => s.source === 'zorgmelding' && isReporterRelation(s.reporterRelation))?.reporterRelation;
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
      signalReceivedAt: new Date(earliest).toISOString(),
      actor: { id: principal.subject, role: 'coordinator' },
    };
    const result = await this.runner.execute(caseId, command, {
      principal,
      traceparent: ids.traceparent,
      correlationId: ids.correlationId,
      specialCategory: signals.some((s) => s.source === 'zorgmelding'),
      rows: [this.keyring.newKey(keyOwner.case(caseId), municipality).row],
    });
    return result.state;
  }
}
