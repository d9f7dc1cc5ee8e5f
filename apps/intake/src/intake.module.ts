import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ReporterVaultController } from './reporter-vault/reporter-vault.controller.js';
import { InboundSignalConsumer } from './signals/inbound-signal.consumer.js';
import { IntakeCommitBatcher } from './signals/intake-commit.batcher.js';
import { ReceiveSignalController } from './signals/receive-signal.controller.js';
import { ReceiveSignalHandler } from './signals/receive-signal.handler.js';
import { TriageQueueController } from './triage-queue/triage-queue.controller.js';
import { TriageQueueProjection } from './triage-queue/triage-queue.projection.js';
import { TriageQueueRepository } from './triage-queue/triage-queue.repository.js';

/** Intake: signals enter here (HTTP and Kafka), get a receipt, and show up in the triage queue. */
@Module({
  imports: [CqrsModule],
  controllers: [ReceiveSignalController, TriageQueueController, ReporterVaultController],
  providers: [IntakeCommitBatcher, ReceiveSignalHandler, InboundSignalConsumer, TriageQueueProjection, TriageQueueRepository],
})
export class IntakeModule {}
