import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type CaseCommand } from '#domain';
import type { Database } from '#eventstore';
import { BLIND_INDEX, DATABASE, KEYRING, ProcessesPersonalData, REQUEST_KEY_WINDOW, validateDto, type Keyring, type RequestKeyWindow } from '#platform';
import { CurrentPrincipal, Roles, writeScope, type BlindIndex, type Principal } from '#security';
import { ModelRegistry } from '../models/model-registry.js';
import type { RouterSignalsReader } from '../signals/router-signal.js';
import { ROUTER_SIGNALS_READER } from '../signals/router-signals.module.js';
import { CASE_COMMAND_RUNNER, type CaseCommandOptions, type CaseCommandRunner } from './case-command.port.js';
import { caseIdPipe, setCaseEtag } from './case-http.js';
import { runCaseRequest, type CaseRequestDeps } from './case-command-request.js';
import { presentCase } from './case-presenter.js';
import { CASE_PROCESSING_ACTIVITY, caseSubjectsOf } from './case-processing.js';
import { reporterFactsOf, signalsForCase } from './signals-for-case.js';
import { caseNotFound } from './case-not-found.js';
import { CaseViewRepository } from './case-view.repository.js';
import { AddNoteRequestDto } from './add-note.request.dto.js';
import { AddSignalRequestDto } from './add-signal.request.dto.js';
import { HandOverRegieRequestDto } from './hand-over-regie.request.dto.js';
import { MigrateModelVersionRequestDto } from './migrate-model-version.request.dto.js';
import { ReferCaseRequestDto } from './refer-case.request.dto.js';
import { SetPlanRequestDto } from './set-plan.request.dto.js';
import { TakeTransitionRequestDto } from './take-transition.request.dto.js';

const IF_MATCH = { name: 'If-Match', required: false, description: 'The case ETag ("<version>") the change is based on; stale → 409 with currentVersion' };
const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Sent again with the same request: the case as it is now, nothing appended (header idempotent-replayed: true); with another request: 422 IDEMPOTENCY.KEY_REUSED',
};
/** Processing log: one line per call, the case in the path is the subject (also when the command fails). */
const LOGGED = (purpose: string) => ProcessesPersonalData({ activity: CASE_PROCESSING_ACTIVITY, purpose, subjectType: 'case', subjects: (req, body) => caseSubjectsOf(req.params.id, body) });

/**
 * Changes to a case. Each validates its body (unknown fields refused), runs one command through the case
 * command runner (load, decide, append) and answers the case as it is now, with its ETag. A command that
 * changes nothing appends nothing and answers the case as it was. With an `Idempotency-Key` (the caller's own)
 * the key is recorded in the statement that appends the change, so a request sent again (its first answer
 * lost) changes nothing and answers the case as it is now; the same key with another request is refused (422
 * `IDEMPOTENCY.KEY_REUSED`). A refused change records no key.
 */
@ApiTags('cases')
@ApiBearerAuth()
@Roles('coordinator')
@Controller('v1/cases')
export class CaseCommandsController {
  private readonly deps: CaseRequestDeps;

  constructor(
    @Inject(CASE_COMMAND_RUNNER) runner: CaseCommandRunner,
    @Inject(ROUTER_SIGNALS_READER) private readonly signals: RouterSignalsReader,
    private readonly registry: ModelRegistry,
    private readonly cases: CaseViewRepository,
    @Inject(KEYRING) private readonly keyring: Keyring,
    @Inject(DATABASE) db: Database,
    @Inject(BLIND_INDEX) index: BlindIndex,
    @Inject(REQUEST_KEY_WINDOW) keyWindow: RequestKeyWindow,
  ) {
    this.deps = { runner, db, index, keyWindow };
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @LOGGED('Een zaak een stap verder brengen in haar escalatiemodel (casusregie)')
  @ApiOperation({ summary: "Take a transition of the case's model (422 CASE.TRANSITION_NOT_ALLOWED with the allowed list)" })
  @ApiBody({ type: TakeTransitionRequestDto })
  @ApiHeader(IF_MATCH)
  @ApiHeader(IDEMPOTENCY_KEY)
  transition(@Param('id', caseIdPipe()) id: string, @Body() body: unknown, @Headers('if-match') ifMatch: string | undefined, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = validateDto(TakeTransitionRequestDto, body);
    const command: CaseCommand = { type: 'TakeTransition', transition: dto.transition, reason: dto.reason, reasonCategory: dto.reasonCategory, fields: dto.fields, actor: actorOf(principal) };
    return this.run(id, command, principal, ifMatch, req, reply);
  }

  @Post(':id/regie')
  @HttpCode(200)
  @LOGGED('Overdragen van een verantwoordelijkheid voor een zaak (casusregie)')
  @ApiOperation({ summary: 'Hand over a responsibility (casusregie, procesregie, operationele or bestuurlijke verantwoordelijkheid)' })
  @ApiBody({ type: HandOverRegieRequestDto })
  @ApiHeader(IF_MATCH)
  @ApiHeader(IDEMPOTENCY_KEY)
  regie(@Param('id', caseIdPipe()) id: string, @Body() body: unknown, @Headers('if-match') ifMatch: string | undefined, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = validateDto(HandOverRegieRequestDto, body);
    const command: CaseCommand = { type: 'HandOverRegie', responsibility: dto.responsibility, holder: dto.holder, reason: dto.reason as string, actor: actorOf(principal) };
    return this.run(id, command, principal, ifMatch, req, reply);
  }

  @Post(':id/notes')
  @HttpCode(200)
  @LOGGED('Vastleggen van een notitie bij een zaak (casusregie)')
  @ApiOperation({ summary: 'Add a note (intern or deelbaar)' })
  @ApiBody({ type: AddNoteRequestDto })
  @ApiHeader(IF_MATCH)
  @ApiHeader(IDEMPOTENCY_KEY)
  note(@Param('id', caseIdPipe()) id: string, @Body() body: unknown, @Headers('if-match') ifMatch: string | undefined, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = validateDto(AddNoteRequestDto, body);
    return this.run(id, { type: 'AddNote', text: dto.text, visibility: dto.visibility, actor: actorOf(principal) }, principal, ifMatch, req, reply);
  }

  @Post(':id/plan')
  @HttpCode(200)
  @LOGGED('Vastleggen van het plan van aanpak van een zaak (casusregie)')
  @ApiOperation({ summary: 'Set the plan van aanpak (measures: strafrechtelijk, bestuursrechtelijk, fiscaal, zorg)' })
  @ApiBody({ type: SetPlanRequestDto })
  @ApiHeader(IF_MATCH)
  @ApiHeader(IDEMPOTENCY_KEY)
  plan(@Param('id', caseIdPipe()) id: string, @Body() body: unknown, @Headers('if-match') ifMatch: string | undefined, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = validateDto(SetPlanRequestDto, body);
    const measures = dto.measures.map((m) => ({ type: m.type, description: m.description, owner: m.owner, dueDate: m.dueDate }));
    return this.run(id, { type: 'SetPlan', measures, actor: actorOf(principal) }, principal, ifMatch, req, reply);
  }

  @Post(':id/signals')
  @HttpCode(200)
  @LOGGED('Toevoegen van een signaal aan een zaak (casusregie)')
  @ApiOperation({ summary: "Add a signal of the case's municipality to the case" })
  @ApiBody({ type: AddSignalRequestDto })
  @ApiHeader(IF_MATCH)
  @ApiHeader(IDEMPOTENCY_KEY)
  async addSignal(@Param('id', caseIdPipe()) id: string, @Body() body: unknown, @Headers('if-match') ifMatch: string | undefined, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = validateDto(AddSignalRequestDto, body);
    const stored = await this.cases.get(id, writeScope(principal));
    if (!stored) throw caseNotFound();
    const { signals, municipality } = await signalsForCase(this.signals, [dto.signalId], principal);
    if (municipality !== stored.municipality) {
      throw new DomainError('CASE.SIGNALS_MUNICIPALITY_MIXED', 'A case is about signals of one municipality', { municipalities: [stored.municipality, municipality] });
    }
    const specialCategory = signals.some((s) => s.source === 'zorgmelding');
    // The added signal's source and reporter relation: a zorgmelding by an essentiële naaste may be told the outcome too.
    return this.run(id, { type: 'AddSignal', signalId: dto.signalId, ...reporterFactsOf(signals[0]!), actor: actorOf(principal) }, principal, ifMatch, req, reply, { specialCategory });
  }

  @Post(':id/model-version')
  @HttpCode(200)
  @LOGGED('Overzetten van een zaak naar een andere versie van haar model (casusregie)')
  @Roles('coordinator', 'admin')
  @ApiOperation({ summary: 'Move the case to another version of its model, with a state mapping (explicit and recorded); a version limited to other municipalities: 422 MODEL.NOT_FOR_MUNICIPALITY' })
  @ApiBody({ type: MigrateModelVersionRequestDto })
  @ApiHeader(IF_MATCH)
  @ApiHeader(IDEMPOTENCY_KEY)
  async migrate(@Param('id', caseIdPipe()) id: string, @Body() body: unknown, @Headers('if-match') ifMatch: string | undefined, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = validateDto(MigrateModelVersionRequestDto, body);
    // An administrator of another municipality gets the 404 of a case that does not exist: no change, no case shown.
    const stored = await this.cases.get(id, writeScope(principal));
    if (!stored) throw caseNotFound();
    const target = await this.registry.ensure(stored.state.model.id, dto.toVersion);
    if (!target) throw new DomainError('MODEL.NOT_FOUND', 'No such model version', { model: stored.state.model.id, version: dto.toVersion });
    const command: CaseCommand = { type: 'MigrateModelVersion', toModel: target.definition, stateMapping: dto.stateMapping, reason: dto.reason as string, actor: actorOf(principal) };
    return this.run(id, command, principal, ifMatch, req, reply);
  }

  @Post(':id/referrals')
  @HttpCode(200)
  @LOGGED('Doorverwijzen van een zaak naar een tafel (casusregie)')
  @ApiOperation({ summary: 'Refer the case to a table its current state allows (CASE.REFERRAL_NOT_ALLOWED otherwise)' })
  @ApiBody({ type: ReferCaseRequestDto })
  @ApiHeader(IF_MATCH)
  @ApiHeader(IDEMPOTENCY_KEY)
  refer(@Param('id', caseIdPipe()) id: string, @Body() body: unknown, @Headers('if-match') ifMatch: string | undefined, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const dto = validateDto(ReferCaseRequestDto, body);
    return this.run(id, { type: 'ReferToTable', table: dto.table, reason: dto.reason as string, actor: actorOf(principal) }, principal, ifMatch, req, reply);
  }

  private async run(id: string, command: CaseCommand, principal: Principal, ifMatch: string | undefined, req: FastifyRequest, reply: FastifyReply, extra: Partial<CaseCommandOptions> = {}) {
    const outcome = await runCaseRequest(this.deps, id, command, principal, ifMatch, req, extra);
    if (outcome.replayed) return this.replay(id, principal, reply);
    return this.answer(presentCase(outcome.state, this.registry, principal), reply);
  }

  /** The answer to a request sent again: the case as it is now. */
  private async replay(id: string, principal: Principal, reply: FastifyReply) {
    const stored = await this.cases.get(id, writeScope(principal));
    if (!stored) throw caseNotFound();
    void reply.header('idempotent-replayed', 'true');
    return this.answer(presentCase(stored.state, this.registry, principal), reply);
  }

  private answer(view: ReturnType<typeof presentCase>, reply: FastifyReply) {
    setCaseEtag(reply, view.version);
    return this.keyring.revealAnswer(view);
  }
}

const actorOf = (principal: Principal) => ({ id: principal.subject, role: principal.role as 'coordinator' });
