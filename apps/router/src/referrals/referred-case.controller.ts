import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, tableMemberStanding, type CaseCommand, type CaseState } from '#domain';
import type { Database } from '#eventstore';
import { BLIND_INDEX, DATABASE, ProcessesPersonalData, REQUEST_KEY_WINDOW, validateDto, type RequestKeyWindow } from '#platform';
import { CurrentPrincipal, municipalityScope, Roles, type BlindIndex, type Principal } from '#security';
import { CASE_COMMAND_RUNNER, type CaseCommandRunner } from '../cases/case-command.port.js';
import { runCaseRequest } from '../cases/case-command-request.js';
import { setCaseEtag } from '../cases/case-http.js';
import { CASE_PROCESSING_ACTIVITY } from '../cases/case-processing.js';
import { CaseViewRepository, type StoredCase } from '../cases/case-view.repository.js';
import { TakeTransitionRequestDto } from '../cases/take-transition.request.dto.js';
import { ModelRegistry } from '../models/model-registry.js';
import { caseOfReferral } from './referral-case-links.js';
import { referredCaseResponse } from './referred-case.response.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The request, with the case its referral led to (the processing log names the case, the answer does not). */
type ReferredCaseRequest = FastifyRequest & { referredCaseId?: string };

/** Processing log: one line per call about the case the referral led to (none when it led nowhere). */
const LOGGED = (purpose: string) =>
  ProcessesPersonalData({ activity: CASE_PROCESSING_ACTIVITY, purpose, subjectType: 'case', subjects: (req) => [(req as unknown as ReferredCaseRequest).referredCaseId] });

const referralNotFound = () => new DomainError('REFERRAL.NOT_FOUND', 'No such referral');

/**
 * A table member acts on a case through their table's referral of it: table members never see case ids, so the
 * referral leads them to the case. They see its state and the transitions the model gives table members, and may
 * take one once their table accepted the referral, while the case stays in the state it was referred in (the
 * decider checks it too). A referral of another table, of a municipality outside the token, or of no case at all
 * answers 404 alike.
 */
@ApiTags('tables')
@ApiBearerAuth()
@Roles('table-member')
@Controller('v1/tables')
export class ReferredCaseController {
  constructor(
    @Inject(CASE_COMMAND_RUNNER) readonly runner: CaseCommandRunner,
    @Inject(DATABASE) readonly db: Database,
    @Inject(BLIND_INDEX) readonly index: BlindIndex,
    @Inject(REQUEST_KEY_WINDOW) readonly keyWindow: RequestKeyWindow,
    private readonly cases: CaseViewRepository,
    private readonly registry: ModelRegistry,
  ) {}

  @Get(':table/referrals/:id/case')
  @LOGGED('Inzien van de stand van een verwezen zaak door een tafel')
  @ApiOperation({ summary: "The referred case's state, version (ETag) and the transitions your table may take now; never the case id or its content" })
  async get(@Param('table') table: string, @Param('id') referralId: string, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const stored = await this.referredCase(table, referralId, principal, req);
    return this.answer(stored.state, referralId, table, reply);
  }

  @Post(':table/referrals/:id/case/transitions')
  @HttpCode(200)
  @LOGGED('Een verwezen zaak een stap verder brengen door een tafel (bijv. teruggeven door het RIEC)')
  @ApiOperation({ summary: 'Take a transition the model gives table members (409 REFERRAL.NOT_ACCEPTED / REFERRAL.CASE_MOVED_ON when your table may not act now)' })
  @ApiBody({ type: TakeTransitionRequestDto })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag of the referred case ("<version>"); stale → 409 with currentVersion' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Sent again with the same request: the case as it is now, nothing appended' })
  async transition(
    @Param('table') table: string,
    @Param('id') referralId: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const dto = validateDto(TakeTransitionRequestDto, body);
    const stored = await this.referredCase(table, referralId, principal, req);
    const command: CaseCommand = { type: 'TakeTransition', transition: dto.transition, reason: dto.reason, reasonCategory: dto.reasonCategory, fields: dto.fields, referralId, actor: { id: principal.subject, role: 'table-member' } };
    // Told before the model's own checks: "your table may not act now" says more than "not from this state".
    const mayAct = () => {
      const standing = tableMemberStanding(stored.state, referralId)!;
      if (!standing.mayAct) throw new DomainError(standing.code, standing.why, { referralId, state: standing.referral.state });
    };
    const outcome = await runCaseRequest(this, stored.state.caseId, command, principal, ifMatch, req, {}, mayAct);
    if (outcome.replayed) {
      void reply.header('idempotent-replayed', 'true');
      return this.answer((await this.referredCase(table, referralId, principal, req)).state, referralId, table, reply);
    }
    return this.answer(outcome.state, referralId, table, reply);
  }

  /** The case `referralId` of `table` leads to, in the member's municipalities; 403 for a table they do not sit on. */
  private async referredCase(table: string, referralId: string, principal: Principal, req: FastifyRequest): Promise<StoredCase> {
    if (!principal.tables.includes(table)) throw new DomainError('AUTH.TABLE_NOT_ALLOWED', 'You do not sit on this table');
    if (!UUID.test(referralId)) throw referralNotFound();
    const caseId = await caseOfReferral(this.db, referralId);
    const stored = caseId === undefined ? null : await this.cases.get(caseId, municipalityScope(principal));
    if (!stored) throw referralNotFound();
    if (!stored.state.referrals.some((r) => r.referralId === referralId && r.table === table)) throw referralNotFound();
    (req as ReferredCaseRequest).referredCaseId = stored.state.caseId;
    await this.registry.ensure(stored.state.model.id, stored.state.model.version);
    return stored;
  }

  private answer(state: CaseState, referralId: string, table: string, reply: FastifyReply) {
    if (state.status === 'none') throw referralNotFound();
    const model = this.registry.resolve(state.model.id, state.model.version);
    if (!model) throw new DomainError('CASE.MODEL_UNKNOWN', `model ${state.model.id}@${state.model.version} is not available`, { modelId: state.model.id, version: state.model.version });
    setCaseEtag(reply, state.version);
    return referredCaseResponse(state, model, referralId, table);
  }
}
