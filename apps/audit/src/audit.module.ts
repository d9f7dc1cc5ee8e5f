import { Module } from '@nestjs/common';
import { BreakGlassController } from './break-glass/break-glass.controller.js';
import { CaseAsOfController } from './cases/case-as-of.controller.js';
import { CaseBundleController } from './export/case-bundle.controller.js';
import { StreamBundleController } from './export/stream-bundle.controller.js';
import { LedgerCheckpointingService } from './ledger/ledger-checkpointing.service.js';
import { VerifyLedgerController } from './ledger/verify-ledger.controller.js';
import { ProcessingLogController } from './processing-log/processing-log.controller.js';
import { ProjectionReplayController } from './replay/projection-replay.controller.js';
import { ProjectionReplayService } from './replay/projection-replay.service.js';

/** The auditor's toolkit: ledger checkpoints and verification, stream and case export, as-of reconstruction, projection replay, the processing log and the break-the-glass review. Read-only, except an admin's replay switch and the review verdicts. */
@Module({
  controllers: [VerifyLedgerController, StreamBundleController, CaseBundleController, ProcessingLogController, CaseAsOfController, ProjectionReplayController, BreakGlassController],
  providers: [LedgerCheckpointingService, ProjectionReplayService],
})
export class AuditModule {}
