import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, SUBJECT_ERRORS } from '#domain';
import { idempotencyKeyHeader, ProcessesPersonalData, validateDto } from '#platform';
import { CurrentPrincipal, Roles, type Principal } from '#security';
import { RegisterSubjectRequestDto } from './register-subject.request.dto.js';
import { RegisterSubjectService } from './register-subject.service.js';
import { requestIds } from './request-ids.js';
import { SUBJECT_PROCESSING } from './subject-stream.js';
import { SubjectsRepository, type Subject } from './subjects.repository.js';

/** Same answer for "does not exist" and "not yours": subject ids of other municipalities cannot be probed. */
export const subjectNotFound = () => new DomainError(SUBJECT_ERRORS.NOT_FOUND, 'No such subject');

/** The subject registry: the persons, addresses, businesses and youth groups signals are linked to. */
@ApiTags('triage')
@ApiBearerAuth()
@Roles('coordinator')
@Controller('v1/subjects')
export class SubjectsController {
  constructor(
    private readonly registration: RegisterSubjectService,
    private readonly subjects: SubjectsRepository,
  ) {}

  @Post()
  @HttpCode(201)
  @ProcessesPersonalData({ ...SUBJECT_PROCESSING, purpose: 'Registreren van een subject (persoon, adres, onderneming of jeugdgroep)', subjectType: 'subject', subjects: (_req, body) => [(body as { subjectId?: string } | undefined)?.subjectId] })
  @ApiOperation({ summary: 'Register a subject in a municipality of yours (BSN checked with the 11-proef; one person per BSN: 409 SUBJECT.BSN_CONFLICT)' })
  @ApiBody({ type: RegisterSubjectRequestDto })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Sent again with the same request: the subject the first registered (header idempotent-replayed: true); with another request: 422 IDEMPOTENCY.KEY_REUSED' })
  async register(@Body() body: unknown, @CurrentPrincipal() principal: Principal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Headers('idempotency-key') header?: string): Promise<Subject> {
    const key = idempotencyKeyHeader(header);
    const dto = validateDto(RegisterSubjectRequestDto, body);
    const { subject, replayed } = await this.registration.register(dto, principal, requestIds(req), key);
    void reply.header('location', `/v1/subjects/${subject.subjectId}`);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return subject;
  }

  @Get(':id')
  @ProcessesPersonalData({ ...SUBJECT_PROCESSING, purpose: 'Inzien van een geregistreerd subject', subjectType: 'subject', subjects: (req) => [req.params.id] })
  @ApiOperation({ summary: 'One subject (404 when it is not in one of your municipalities)' })
  async get(@Param('id', new ParseUUIDPipe({ exceptionFactory: () => subjectNotFound() })) id: string, @CurrentPrincipal() principal: Principal): Promise<Subject> {
    const subject = await this.subjects.get(id, principal.municipalities);
    if (!subject) throw subjectNotFound();
    return subject;
  }
}
