import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { idempotencyKeyHeader, ProcessesPersonalData, validateDto } from '#platform';
import { CurrentPrincipal, Roles, type Principal } from '#security';
import { ModelRegistry } from '../models/model-registry.js';
import { requestIds, setCaseEtag } from './case-http.js';
import { presentCase } from './case-presenter.js';
import { CASE_PROCESSING_ACTIVITY, caseSubjectsOf } from './case-processing.js';
import { OpenCaseRequestDto } from './open-case.request.dto.js';
import { OpenCaseService } from './open-case.service.js';

/** A coordinator opens a case under an escalation model from signals in the triage queue. */
@ApiTags('cases')
@ApiBearerAuth()
@Roles('coordinator')
@Controller('v1/cases')
export class OpenCaseController {
  constructor(
    private readonly opener: OpenCaseService,
    private readonly registry: ModelRegistry,
  ) {}

  @Post()
  @HttpCode(201)
  @ProcessesPersonalData({ activity: CASE_PROCESSING_ACTIVITY, purpose: 'Openen van een zaak op basis van signalen (casusregie)', subjectType: 'case', subjects: (_req, body) => caseSubjectsOf(undefined, body) })
  @ApiOperation({ summary: 'Open a case under a model from one or more signals of one municipality (answers the case, ETag = version)' })
  @ApiBody({ type: OpenCaseRequestDto })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Sent again with the same request: the case the first opened (header idempotent-replayed: true); with another request: 422 IDEMPOTENCY.KEY_REUSED' })
  @ApiResponse({ status: 201, description: 'The case; Location /v1/cases/{id}' })
  async open(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Headers('idempotency-key') header?: string) {
    const key = idempotencyKeyHeader(header);
    const dto = validateDto(OpenCaseRequestDto, body);
    const { state, replayed } = await this.opener.open(dto, principal, requestIds(req), key);
    const view = presentCase(state, this.registry, principal);
    void reply.header('location', `/v1/cases/${view.caseId}`);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    setCaseEtag(reply, view.version);
    return view;
  }
}
