import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, requireTableStanding, type CaseCommand, type CaseState } from '#domain';
import type { Database } from '#eventstore';
import { BLIND_INDEX, DATABASE, ProcessesPersonalData, REQUEST_KEY_WINDOW, validateDto, type RequestKeyWindow } from '#platform';
import { CurrentPrincipal, municipalityScope, Roles, type BlindIndex, type Principal } from '#security';
import { CASE_COMMAND_RUNNER, type CaseCommandRunner } from '../cases/case-command.port.js';
import { runCaseRequest, type CaseRequestDeps } from '../cases/case-command-request.js';
import { setCaseEtag } from '../cases/case-http.js';
import { CASE_PROCESSING_ACTIVITY } from '../cases/case-processing.js';
import { CaseViewRepository, type StoredCase } from '../cases/case-view.repository.js';
import { TakeTransitionRequestDto } from '../cases/take-transition.request.dto.js';
import { ModelRegistry } from '../models/model-registry.js';
import { caseOfReferral } from './referral-case-links.js';
import { errorForTableMember } from './error-for-table-member.js';
import { referredCaseResponse } from './referred-case.response.js';

/** The request, with the case its referral led to (the processing log names the case, the answer does not). */
type ReferredCaseRequest = FastifyRequest & { referredCaseId?: string };

/** Processing log: one line per call about the case the referral led to (none when it led nowhere). */
const LOGGED = (purpose: string) =>
  ProcessesPersonalData({ activity: CASE_PROCESSING_ACTIVITY, purpose, subjectType: 'case', subjects: (req) => [(req as unknown as ReferredCaseRequest).referredCaseId] });

const referralNotFound = () => new DomainError('REFERRAL.NOT_FOUND', 'No such referral');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A table member acts on a case through their table's referral of it: table members never see case ids, so the
 * referral leads them to the case. They see whether their table may act and the transitions the model gives its
 * members, and may take one once their table accepted the referral, while the case stays in the state it was
 * referred in (the decider checks it too). A referral of another table, of a municipality outside the token, one
 * the tables app rejected, or of no case at all answers 404 alike.
 */
@ApiTags('tables')
@ApiBearerAuth()
@Roles('table-member')
@Controller('v1/tables')
export class ReferredCaseController {
  private readonly deps: CaseRequestDeps;

  constructor(
    @Inject(CASE_COMMAND_RUNNER) runner: CaseCommandRunner,
    @Inject(DATABASE) private readonly db: Database,
    @Inject(BLIND_INDEX) index: BlindIndex,
    @Inject(REQUEST_KEY_WINDOW) keyWindow: RequestKeyWindow,
    private readonly cases: CaseViewRepository,
    private readonly registry: ModelRegistry,
  ) {
    this.deps = { runner, db, index, keyWindow };
  }

  @Get(':table/referrals/:id/case')
  @LOGGED('Inzien of een tafel een verwezen zaak een stap verder mag brengen')
  @ApiOperation({ summary: 'Whether your table may act on the referred case now, the transitions it may take and the version (ETag); never the case id or its content' })
  async get(@Param('table') table: string, @Param('id') referralId: string, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const stored = await this.referredCase(table, referralId, principal, req);
    return this.answer(stored.state, referralId, table, reply);
  }

  @Post(':table/referrals/:id/case/transitions')
  @HttpCode(200)
  @LOGGED('Een verwezen zaak een stap verder brengen door een tafel (bijv. teruggeven door het RIEC)')
  @ApiOperation({ summary: 'Take a transition the model gives your table (409 REFERRAL.NOT_ACCEPTED / REFERRAL.CASE_MOVED_ON when your table may not act now)' })
  @ApiBody({ type: TakeTransitionRequestDto })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version of the referred case ("<version>"); stale → 409 with currentVersion' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Sent again with the same request: the answer as it is now, nothing appended' })
  async transition(
    @Param('table') table: string,
    @Param('id') referralId: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // Who may act on what is told before what is wrong with the body.
    const stored = await this.referredCase(table, referralId, principal, req);
    const dto = validateDto(TakeTransitionRequestDto, body);
    const caseId = stored.state.caseId;
    const command: CaseCommand = { type: 'TakeTransition', transition: dto.transition, reason: dto.reason, reasonCategory: dto.reasonCategory, fields: dto.fields, referralId, actor: { id: principal.subject, role: 'table-member' } };
    // Told before the model's own checks: "your table may not act now" says more than "not from this state".
    const mayAct = () => void requireTableStanding(stored.state, referralId);
    try {
      const outcome = await runCaseRequest(this.deps, caseId, command, principal, ifMatch, req, {}, mayAct);
      if (!outcome.replayed) return this.answer(outcome.state, referralId, table, reply);
      void reply.header('idempotent-replayed', 'true');
      return this.answer((await this.referredCase(table, referralId, principal, req)).state, referralId, table, reply);
    } catch (error) {
      // A refusal from the case (a version conflict, a state it moved to meanwhile) may name it; the member's must not.
      throw errorForTableMember(error, caseId, dto.transition);
    }
  }

  /**
   * The case `referralId` of `table` leads to, in the member's municipalities; 403 for a table they do not sit on.
   * A referral the tables app rejected never reached the table: it leads nowhere, as in the table's register.
   */
  private async referredCase(table: string, referralId: string, principal: Principal, req: FastifyRequest): Promise<StoredCase> {
    if (!principal.tables.includes(table)) throw new DomainError('AUTH.TABLE_NOT_ALLOWED', 'You do not sit on this table');
    if (!UUID.test(referralId)) throw referralNotFound();
    const caseId = await caseOfReferral(this.db, referralId);
    const stored = caseId === undefined ? null : await this.cases.get(caseId, municipalityScope(principal));
    const referral = stored?.state.referrals.find((r) => r.referralId === referralId);
    if (!stored || !referral || referral.table !== table || referral.outcome === 'rejected') throw referralNotFound();
    (req as ReferredCaseRequest).referredCaseId = stored.state.caseId;
    await this.registry.ensure(stored.state.model.id, stored.state.model.version);
    return stored;
  }

  private answer(state: CaseState, referralId: string, table: string, reply: FastifyReply) {
    if (state.status === 'none') throw referralNotFound();
    const model = this.registry.resolve(state.model.id, state.model.version);
    if (!model) throw new DomainError('CASE.MODEL_UNKNOWN', `model ${state.model.id}@${state.model.version} is not available`, { modelId: state.model.id, version: state.model.version });
    const answer = referredCaseResponse(state, model, referralId, table);
    // The version is the table's to see only while it may act: afterwards it would show the case's activity.
    if (answer.version !== undefined) setCaseEtag(reply, answer.version);
    return answer;
  }
}
