import { Controller, Get, Inject, Param, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '#domain';
import { caseOfRelatedStream, exportStreamBundle, type Database, type LedgerBundle } from '#eventstore';
import { alsoTouched, CLOCK, DATABASE, ProcessesPersonalData, type Clock } from '#platform';
import { Roles } from '#security';
import { AUDIT_PROCESSING } from '../audit-processing.js';
import { LedgerCheckpointingService } from '../ledger/ledger-checkpointing.service.js';
import { exportSealed } from './export-sealed.js';
import { canonicalStreamId, relatedCaseSubjects, streamExportSubjects } from './stream-export-subjects.js';

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/**
 * A stream's full history as a self-contained bundle (events with hashes, and the checkpoint proofs that
 * seal them) for offline verification with `npm run audit -- verify-bundle`. The auditor reads payloads
 * here, so every export is recorded in the processing log: under the stream's aggregate id, and a case stream, a
 * referral stream or an escalation stream also under the case and the person it is about, as the case bundle (which
 * holds all three) is.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('v1/audit/streams')
export class StreamBundleController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly checkpointing: LedgerCheckpointingService,
  ) {}

  @Get(':streamId/bundle')
  @ApiOperation({ summary: "Export a stream's events, hashes and checkpoint proofs as one JSON bundle (verify offline)" })
  @ApiParam({ name: 'streamId', example: 'signal-0b9b1c9e-1f0e-4c3a-9d55-2f7c3f1f2a10' })
  @ProcessesPersonalData({ ...AUDIT_PROCESSING.export, legalBasis: AUDIT_PROCESSING.legalBasis, subjectType: 'stream', subjects: (req, body) => streamExportSubjects(req.params.streamId, body) })
  async bundle(@Param('streamId') streamId: string, @Req() req: FastifyRequest): Promise<LedgerBundle> {
    if (!STREAM_ID.test(streamId)) throw new DomainError('STREAM.NOT_FOUND', 'No events in this stream');
    // Ids are taken in lower case everywhere (`case-<id>` with the id in capitals is the same stream).
    const stream = canonicalStreamId(streamId);
    // A referral's or an escalation's stream is part of a case, which neither its id nor (always) its events name:
    // the ledger's relation to the case is looked up here and noted on the request for the processing log, as the
    // tables' routes note the case of a referral. Before the export, so an export that fails later still names it;
    // the bundle itself stays as exported (nothing in it that verify-bundle does not check).
    alsoTouched(req, relatedCaseSubjects(await caseOfRelatedStream(this.db, stream)));
    return exportSealed(this.checkpointing.checkpointer, () => exportStreamBundle(this.db, stream, this.clock()), (b) => b.events);
  }
}
