import { Module } from '@nestjs/common';
import { CaseAsOfController } from './cases/case-as-of.controller.js';
import { StreamBundleController } from './export/stream-bundle.controller.js';
import { LedgerCheckpointingService } from './ledger/ledger-checkpointing.service.js';
import { VerifyLedgerController } from './ledger/verify-ledger.controller.js';
import { ProcessingLogController } from './processing-log/processing-log.controller.js';

/** The auditor's toolkit: ledger checkpoints and verification, stream export, as-of reconstruction, the processing log. All read-only. */
@Module({
  controllers: [VerifyLedgerController, StreamBundleController, ProcessingLogController, CaseAsOfController],
  providers: [LedgerCheckpointingService],
})
export class AuditModule {}
