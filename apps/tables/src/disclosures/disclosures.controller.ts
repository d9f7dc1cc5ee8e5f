import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DomainError } from '#domain';
import type { Database } from '#eventstore';
import { canonicalUuid, DATABASE, isUuid, onlyQueryParameters, ProcessesPersonalData } from '#platform';
import { CurrentPrincipal, municipalityScope, Roles, type Principal } from '#security';

interface Row {
  disclosure_id: string;
  subject_ref: string;
  recipient: string;
  municipality: string;
  case_id: string;
  legal_basis: string;
  processing_activity: string;
  fields: string[];
  payload_sha256: string;
  event_id: string;
  disclosed_at: Date | string;
}

/** What left the municipality about a case: to whom, on which basis, which fields, and a hash of the payload. */
@ApiTags('tables')
@ApiBearerAuth()
@Roles('coordinator', 'auditor', 'admin')
@Controller('v1/disclosures')
export class DisclosuresController {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  @Get()
  @ProcessesPersonalData({ activity: 'verantwoording', purpose: 'Verantwoording van verstrekkingen over een zaak (aan wie, op welke grondslag, welke gegevens)', subjectType: 'case', subjects: (req) => [typeof req.query.caseId === 'string' ? req.query.caseId : undefined] })
  @ApiOperation({ summary: 'Disclosures of a case, oldest first' })
  @ApiQuery({ name: 'caseId', required: true })
  async list(@Query() query: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    const asked = onlyQueryParameters(query, ['caseId']).caseId;
    if (!isUuid(asked)) throw new DomainError('VALIDATION.FAILED', 'caseId must be a case id (uuid)', { errors: [{ path: 'caseId', constraints: ['isUuid'], message: 'caseId must be a uuid' }] });
    const caseId = canonicalUuid(asked);
    const scope = municipalityScope(principal);
    const r = await this.db.query<Row>(
      `SELECT * FROM table_disclosures WHERE case_id = $1 AND ($2::text[] IS NULL OR municipality = ANY($2::text[])) ORDER BY disclosed_at, disclosure_id`,
      [caseId, scope === 'all' ? null : scope],
    );
    return {
      items: r.rows.map((d) => ({
        disclosureId: d.disclosure_id,
        subject: d.subject_ref,
        recipient: d.recipient,
        municipality: d.municipality,
        caseId: d.case_id,
        legalBasis: d.legal_basis,
        processingActivity: d.processing_activity,
        fields: d.fields,
        payloadSha256: d.payload_sha256,
        eventId: d.event_id,
        disclosedAt: new Date(d.disclosed_at).toISOString(),
      })),
    };
  }
}
