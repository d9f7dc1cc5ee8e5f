import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainError } from '#domain';
import type { Database } from '#eventstore';
import { DATABASE, ProcessesPersonalData, queryProcessingLog, requireTimeRange, SUBJECT_PSEUDONYMIZER, validateDto, type SubjectPseudonymizer } from '#platform';
import { Roles } from '#security';
import { AUDIT_PROCESSING } from '../audit-processing.js';
import { ProcessingLogQueryDto } from './processing-log.query.dto.js';

/** The processing log for auditors: who processed whose data, why, when, with what outcome. */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('v1/audit/processing-log')
export class ProcessingLogController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(SUBJECT_PSEUDONYMIZER) private readonly pseudonymizer: SubjectPseudonymizer,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Processing-log lines by subject (pseudonymised before lookup), actor and/or time range; in the order they were written (commit order), cursor-paginated',
    description: 'Answers `{items, nextCursor, heldBack, resumeCursor}`. Lines of a transaction that began after one still running are held back (`heldBack: true`, `nextCursor` continues there); nothing is waited for. `nextCursor` is null once every matching line committed before the answer was listed; `resumeCursor` continues later without a gap or a repeat.',
  })
  @ProcessesPersonalData({
    ...AUDIT_PROCESSING.processingLog,
    legalBasis: AUDIT_PROCESSING.legalBasis,
    subjectType: 'subject',
    subjects: (req) => [typeof req.query.subject === 'string' ? req.query.subject : undefined],
  })
  @ApiQuery({ type: ProcessingLogQueryDto })
  async list(@Query() rawQuery: Record<string, unknown>) {
    const q = validateDto(ProcessingLogQueryDto, { ...rawQuery });
    if (q.subject === undefined && q.actor === undefined && q.from === undefined && q.to === undefined) {
      throw new DomainError('VALIDATION.FILTER_REQUIRED', 'Give at least one of subject, actor, from or to');
    }
    requireTimeRange(q.from, q.to);
    const page = await queryProcessingLog(this.db, {
      dataSubjectRef: q.subject === undefined ? undefined : this.pseudonymizer.ref(q.subject),
      actorId: q.actor,
      from: q.from,
      to: q.to,
      cursor: q.cursor,
      limit: q.limit,
    });
    return page;
  }
}
