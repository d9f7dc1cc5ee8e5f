import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ProcessesPersonalData, validateDto } from '#platform';
import { CurrentPrincipal, Roles, type Principal } from '#security';
import { subjectNotFound } from '../subjects/subjects.controller.js';
import { requestIds } from '../subjects/request-ids.js';
import { EraseSubjectRequestDto } from './erase-subject.request.dto.js';
import { PRIVACY_PROCESSING } from './privacy-processing.js';
import { SubjectErasureService, type SubjectErasure } from './subject-erasure.service.js';

/** Erasure of a subject's personal data on request (administrators). */
@ApiTags('privacy')
@ApiBearerAuth()
@Roles('admin')
@Controller('v1/subjects')
export class SubjectErasureController {
  constructor(private readonly erasure: SubjectErasureService) {}

  @Post(':id/erasure')
  @HttpCode(200)
  @ProcessesPersonalData({ ...PRIVACY_PROCESSING, purpose: 'Wissen van de persoonsgegevens van een subject (crypto-shredding)', subjectType: 'subject', subjects: (req) => [req.params.id] })
  @ApiOperation({
    summary: "Erase a subject's personal data: destroys the data keys of the subject, its signals (linked to it, or in a case about it) and their cases (administrators)",
    description: '409 PRIVACY.LEGAL_HOLD when a legal hold covers it; 409 PRIVACY.ALREADY_ERASED when nothing is left to destroy. The ledger keeps verifying.',
  })
  @ApiBody({ type: EraseSubjectRequestDto })
  async erase(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: () => subjectNotFound() })) id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
  ): Promise<SubjectErasure> {
    const dto = validateDto(EraseSubjectRequestDto, body);
    return this.erasure.erase(id, dto.reason, principal, requestIds(req));
  }
}
