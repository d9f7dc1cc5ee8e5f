import { availableParallelism } from 'node:os';
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LedgerVerifier, type Database, type LedgerVerification } from '#eventstore';
import { APP_CONFIG, DATABASE, ProcessesPersonalData, validateDto, type AppConfig } from '#platform';
import { Roles } from '#security';
import { AUDIT_PROCESSING } from '../audit-processing.js';
import { VerifyLedgerRequestDto } from './verify-ledger.request.dto.js';

/** Verifies the whole ledger on request of an auditor (read-only; payloads are hashed, never returned). */
@ApiTags('audit')
@ApiBearerAuth()
@Roles('auditor')
@Controller('v1/audit')
export class VerifyLedgerController {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Verify every stream hash chain and the checkpoint chain; answers {ok, eventsChecked, firstBreak, …}' })
  @ApiBody({ type: VerifyLedgerRequestDto, required: false })
  @ProcessesPersonalData({ ...AUDIT_PROCESSING.verify, legalBasis: AUDIT_PROCESSING.legalBasis, subjectType: 'ledger', subjects: () => [] })
  async verify(@Body() body: unknown): Promise<LedgerVerification> {
    const request = validateDto(VerifyLedgerRequestDto, body ?? {});
    const anchors = (request.anchors ?? []).map((a) => {
      const [seq, hash] = a.split(':');
      return { seq: Number(seq), hash: hash! };
    });
    const parallel = this.config.DATABASE_URL ? { databaseUrl: this.config.DATABASE_URL, workers: availableParallelism() } : undefined;
    return new LedgerVerifier(this.db, { anchors, parallel }).verify();
  }
}
