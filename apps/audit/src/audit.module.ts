import { Module } from '@nestjs/common';
import { StreamBundleController } from './export/stream-bundle.controller.js';
import { LedgerCheckpointingService } from './ledger/ledger-checkpointing.service.js';
import { VerifyLedgerController } from './ledger/verify-ledger.controller.js';
import { ProcessingLogController } from './processing-log/processing-log.controller.js';

/** The auditor's toolkit: ledger checkpoints and verification, stream export, the processing log. All read-only. */
@Module({
  controllers: [VerifyLedgerController, StreamBundleController, ProcessingLogController],
  providers: [LedgerCheckpointingService],
})
export class AuditModule {}
