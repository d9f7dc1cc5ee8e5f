import { Controller, Get, Inject, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainError, parseIsoInstant } from '#domain';
import { EventStore } from '#eventstore';
import { CLOCK, EVENT_STORE, KEYRING, onlyQueryParameters, personSubject, ProcessesPersonalData, type Clock, type Keyring } from '#platform';
import { Roles } from '#security';
import { AUDIT_PROCESSING } from '../audit-processing.js';
import { caseStreamId, inputsAsGiven, reconstructCase, type CaseAsOf } from './case-as-of.js';

const notFound = () => new DomainError('CASE.NOT_FOUND', 'No such case');

/** A case as it stood at a moment, with its decision trail, rebuilt from the ledger. */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('v1/audit/cases')
export class CaseAsOfController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(KEYRING) private readonly keyring: Keyring,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: "A case's state, responsibility holders, open deadlines and model version as the system knew them at `asOf`, with its decision trail" })
  @ApiQuery({ name: 'asOf', required: false, description: 'ISO 8601 instant with offset; default now' })
  @ProcessesPersonalData({ ...AUDIT_PROCESSING.reconstruct, legalBasis: AUDIT_PROCESSING.legalBasis, subjectType: 'case', subjects: (req, body) => [req.params.id, personSubject((body as { state?: { subjectId?: unknown } } | undefined)?.state?.subjectId)] })
  async asOf(@Param('id', new ParseUUIDPipe({ exceptionFactory: notFound })) id: string, @Query() query: Record<string, unknown>): Promise<CaseAsOf & { personalDataErased: boolean }> {
    const now = this.clock();
    const asOfText = onlyQueryParameters(query, ['asOf']).asOf;
    const asOf = asOfText === undefined ? now : parseIsoInstant(asOfText);
    if (asOf === null) throw new DomainError('VALIDATION.AS_OF_INVALID', '`asOf` must be an ISO 8601 instant with an offset, e.g. 2026-11-01T12:00:00Z');
    // The decision trail's reasons and transition fields are sealed under the case's key: opened for the auditor
    // (this read is logged), null once the case's personal data was erased.
    return inputsAsGiven(await this.keyring.revealAnswer(reconstructCase(id, await this.store.readStream(caseStreamId(id)), asOf, now)));
  }
}
