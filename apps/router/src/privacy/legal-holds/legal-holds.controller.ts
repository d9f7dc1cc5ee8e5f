import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '#domain';
import { idempotencyKeyHeader, ProcessesPersonalData, validateDto } from '#platform';
import { CurrentPrincipal, ForbiddenError, Roles, type Principal } from '#security';
import { requestIds } from '../../subjects/request-ids.js';
import { PRIVACY_PROCESSING } from '../privacy-processing.js';
import { LEGAL_HOLD_ERRORS } from './legal-hold-target.js';
import { LegalHoldService, type LegalHoldView } from './legal-hold.service.js';
import { LiftLegalHoldRequestDto } from './lift-legal-hold.request.dto.js';
import { ListLegalHoldsQueryDto } from './list-legal-holds.query.dto.js';
import { PlaceLegalHoldRequestDto } from './place-legal-hold.request.dto.js';

const PROCESSING = { ...PRIVACY_PROCESSING, subjectType: 'legal-hold-target' } as const;
const targetOf = (body: unknown): string | undefined => (body as LegalHoldView | undefined)?.target?.id;
const holdNotFound = () => new DomainError(LEGAL_HOLD_ERRORS.NOT_FOUND, 'No such legal hold');

/**
 * Legal holds on a subject, signal or case, in the municipalities named in the caller's token: placed by
 * administrators and coordinators, lifted by administrators only, with a reason each time.
 */
@ApiTags('privacy')
@ApiBearerAuth()
@Controller('v1/legal-holds')
export class LegalHoldsController {
  constructor(private readonly holds: LegalHoldService) {}

  @Post()
  @Roles('admin', 'coordinator')
  @ProcessesPersonalData({
    ...PROCESSING,
    purpose: 'Bewaren van persoonsgegevens ondanks bewaartermijn of wisverzoek (legal hold)',
    subjects: (req, body) => [targetOf(body) ?? (req.body as { target?: { id?: unknown } } | undefined)?.target?.id?.toString()],
  })
  @ApiOperation({
    summary: 'Place a legal hold on a subject, signal or case of your municipality: nothing it covers is destroyed until it is lifted (administrators and coordinators)',
    description: 'A hold on a case covers its signals; on a subject, its linked signals. 404 LEGAL_HOLD.TARGET_NOT_FOUND for an unknown target or one of another municipality; 400 VALIDATION.FAILED for an unknown kind or a missing or short reason.',
  })
  @ApiBody({ type: PlaceLegalHoldRequestDto })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Sent again with the same request: the hold the first placed (header idempotent-replayed: true); with another request: 422 IDEMPOTENCY.KEY_REUSED' })
  async place(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Headers('idempotency-key') header?: string,
  ): Promise<LegalHoldView> {
    const key = idempotencyKeyHeader(header);
    const dto = validateDto(PlaceLegalHoldRequestDto, body);
    const { hold, replayed } = await this.holds.place({ kind: dto.target.kind, id: dto.target.id }, dto.reason, principal, requestIds(req), key);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return hold;
  }

  @Get()
  @Roles('admin', 'coordinator')
  @ProcessesPersonalData({ ...PROCESSING, purpose: 'Overzicht van actieve legal holds', subjects: (_req, body) => ((body as { items?: LegalHoldView[] } | undefined)?.items ?? []).map((h) => h.target.id) })
  @ApiOperation({ summary: 'Active legal holds in the municipalities of your token (or one of them), newest first; cursor-paginated' })
  @ApiQuery({ type: ListLegalHoldsQueryDto })
  async list(@Query() rawQuery: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    const query = validateDto(ListLegalHoldsQueryDto, { ...rawQuery });
    // Only the municipalities the token names (an administrator's included); another is refused, as the other lists
    // refuse it, rather than answered with nothing.
    if (query.municipality && !principal.municipalities.includes(query.municipality)) throw new ForbiddenError('AUTH.MUNICIPALITY_NOT_ALLOWED', 'Not allowed for this municipality');
    const municipalities = query.municipality ? [query.municipality] : principal.municipalities;
    return this.holds.listActive(municipalities, query);
  }

  @Post(':id/lift')
  @HttpCode(200)
  @Roles('admin')
  @ProcessesPersonalData({ ...PROCESSING, purpose: 'Opheffen van een legal hold', subjects: (_req, body) => [targetOf(body)] })
  @ApiOperation({
    summary: 'Lift a legal hold, with a reason (administrators); destruction under erasure requests and retention rules may then go ahead',
    description: '404 LEGAL_HOLD.NOT_FOUND; 409 LEGAL_HOLD.ALREADY_LIFTED (nothing changes).',
  })
  @ApiBody({ type: LiftLegalHoldRequestDto })
  async lift(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: holdNotFound })) id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Req() req: FastifyRequest,
  ): Promise<LegalHoldView> {
    const dto = validateDto(LiftLegalHoldRequestDto, body);
    return this.holds.lift(id, dto.reason, principal, requestIds(req));
  }
}
