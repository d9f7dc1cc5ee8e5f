import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { DomainError } from '#domain';
import { exportCaseBundle, type CaseBundle, type Database } from '#eventstore';
import { CLOCK, DATABASE, personSubject, ProcessesPersonalData, type Clock } from '#platform';
import { Roles } from '#security';
import { AUDIT_PROCESSING } from '../audit-processing.js';
import { LedgerCheckpointingService } from '../ledger/ledger-checkpointing.service.js';
import { caseSubjectOf } from './case-subject.js';
import { exportSealed } from './export-sealed.js';

const notFound = () => new DomainError('CASE.NOT_FOUND', 'No such case');

/** The registered subject the exported case is about (its `CaseOpened`), for the processing log's line about the person. */
const caseBundleSubjectOf = (body: unknown): unknown => caseSubjectOf((body as Partial<CaseBundle> | undefined)?.streams?.[0]?.events);

/**
 * A case's full history as one self-contained bundle: the case stream and every referral and escalation stream
 * its own events opened (what was disclosed to which table and to the police, and what they did), with the one
 * checkpoint chain that seals them, for offline verification with `npm run audit -- verify-bundle`. The auditor
 * reads payloads here, so every export is recorded in the processing log under the case and the person it is about.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('v1/audit/cases')
export class CaseBundleController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly checkpointing: LedgerCheckpointingService,
  ) {}

  @Get(':id/bundle')
  @ApiOperation({ summary: "Export a case's history — its stream, its referrals' and its police escalations' streams — with hashes and checkpoint proofs as one JSON bundle (verify offline)" })
  @ApiParam({ name: 'id', description: 'The case id', example: '0b9b1c9e-1f0e-4c3a-9d55-2f7c3f1f2a10' })
  @ProcessesPersonalData({ ...AUDIT_PROCESSING.export, legalBasis: AUDIT_PROCESSING.legalBasis, subjectType: 'case', subjects: (req, body) => [req.params.id?.toLowerCase(), personSubject(caseBundleSubjectOf(body))] })
  async bundle(@Param('id', new ParseUUIDPipe({ exceptionFactory: notFound })) id: string): Promise<CaseBundle> {
    // Ids are taken in lower case everywhere (the case stream is `case-<id>` in lower case).
    return exportSealed(this.checkpointing.checkpointer, () => exportCaseBundle(this.db, id.toLowerCase(), this.clock()), (b) => b.streams.flatMap((s) => s.events));
  }
}
