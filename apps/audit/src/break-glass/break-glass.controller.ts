import { Body, Controller, Get, Inject, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Database } from '#eventstore';
import { breakGlassAccessNotFound, CLOCK, DATABASE, ProcessesPersonalData, queryBreakGlassAccesses, recordBreakGlassReview, validateDto, type BreakGlassReview, type Clock } from '#platform';
import { CurrentPrincipal, Roles, type Principal } from '#security';
import { BreakGlassAccessesQueryDto } from './break-glass-accesses.query.dto.js';
import { BREAK_GLASS_REVIEW_PROCESSING } from './break-glass-processing.js';
import { BreakGlassReviewRequestDto } from './break-glass-review.request.dto.js';

/**
 * The review queue of break-the-glass accesses: an auditor (the privacy officer) lists the accesses, from
 * the processing log, and records a verdict on each, once. Both calls are in the processing log themselves.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('v1/audit/break-glass')
export class BreakGlassController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Break-the-glass accesses (default: awaiting review), in the order they were written (commit order), with reason, municipality entered, actor, the log lines and the review; cursor-paginated (`{items, nextCursor, heldBack, resumeCursor}`, as the processing log)' })
  @ApiQuery({ type: BreakGlassAccessesQueryDto })
  @ProcessesPersonalData({ ...BREAK_GLASS_REVIEW_PROCESSING, subjectType: 'break-glass-access', subjects: () => [] })
  async list(@Query() rawQuery: Record<string, unknown>) {
    const q = validateDto(BreakGlassAccessesQueryDto, { ...rawQuery });
    return queryBreakGlassAccesses(this.db, { status: q.status ?? 'open', municipality: q.municipality, actorId: q.actor, cursor: q.cursor, limit: q.limit });
  }

  @Post(':id/review')
  @ApiOperation({ summary: 'Record the verdict on one access (final: a second review is 409 BREAK_GLASS.ALREADY_REVIEWED)' })
  @ApiBody({ type: BreakGlassReviewRequestDto })
  @ProcessesPersonalData({ ...BREAK_GLASS_REVIEW_PROCESSING, subjectType: 'break-glass-access', subjects: () => [] })
  async review(
    @Param('id', new ParseUUIDPipe({ exceptionFactory: breakGlassAccessNotFound })) id: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ accessId: string; review: BreakGlassReview }> {
    const dto = validateDto(BreakGlassReviewRequestDto, body);
    const review = await recordBreakGlassReview(this.db, id, {
      verdict: dto.verdict,
      note: dto.note,
      reviewerId: principal.subject,
      reviewerRole: principal.role,
      reviewedAt: this.clock().toISOString(),
    });
    return { accessId: id, review };
  }
}
