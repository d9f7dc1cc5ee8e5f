import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { personSubject, ProcessesPersonalData, validateDto } from '#platform';
import { CurrentPrincipal, Roles, type Principal } from '#security';
import { requestIds } from '../subjects/request-ids.js';
import { signalNotFound } from '../signals/signal-not-found.js';
import { DismissSignalRequestDto } from './dismiss-signal.request.dto.js';
import { LinkSignalRequestDto } from './link-signal.request.dto.js';
import { SignalTriageService, type TriageResult } from './signal-triage.service.js';
import { TRIAGE_PROCESSING } from './triage-processing.js';

/** Coordinators work the queue: link a signal to its subject, or dismiss it with a reason. */
@ApiTags('triage')
@ApiBearerAuth()
@Roles('coordinator')
@Controller('v1/signals')
export class SignalTriageController {
  constructor(private readonly triage: SignalTriageService) {}

  @Post(':id/subject')
  @HttpCode(200)
  @ProcessesPersonalData({ ...TRIAGE_PROCESSING, purpose: 'Koppelen van een signaal aan een subject', subjectType: 'signal', subjects: (req, body) => [req.params.id, personSubject((body as { subjectId?: unknown } | undefined)?.subjectId)] })
  @ApiOperation({
    summary: 'Link the signal to a subject of its municipality (SignalLinkedToSubject); the same subject again changes nothing',
    description: '404 SIGNAL.NOT_FOUND / SUBJECT.NOT_FOUND (also for another municipality), 409 SIGNAL.ALREADY_DISMISSED',
  })
  @ApiBody({ type: LinkSignalRequestDto })
  async link(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => signalNotFound() })) id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
  ): Promise<TriageResult> {
    const dto = validateDto(LinkSignalRequestDto, body);
    return this.triage.link(id, dto.subjectId, principal, requestIds(req));
  }

  @Post(':id/dismissal')
  @HttpCode(200)
  @ProcessesPersonalData({ ...TRIAGE_PROCESSING, purpose: 'Afwijzen van een signaal met reden', subjectType: 'signal', subjects: (req) => [req.params.id] })
  @ApiOperation({
    summary: "Dismiss the signal with a reason of 5–2000 characters (SignalDismissed; the reason sealed under the signal's data key)",
    description: "404 SIGNAL.NOT_FOUND, 409 SIGNAL.ALREADY_DISMISSED or SIGNAL.IN_CASE (a signal in a case is handled in the case), 410 PRIVACY.ERASED (the signal's personal data was erased)",
  })
  @ApiBody({ type: DismissSignalRequestDto })
  async dismiss(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => signalNotFound() })) id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
  ): Promise<TriageResult> {
    const dto = validateDto(DismissSignalRequestDto, body);
    return this.triage.dismiss(id, dto.reason, principal, requestIds(req));
  }
}
