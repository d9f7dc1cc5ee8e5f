import { Module } from '@nestjs/common';
import { LegalHoldService } from './legal-holds/legal-hold.service.js';
import { LegalHoldsController } from './legal-holds/legal-holds.controller.js';
import { PersonalDataShredder } from './personal-data-shredder.js';
import { RetentionConfigModule } from './retention/retention-config.module.js';
import { RetentionFactsRepository } from './retention/retention-facts.repository.js';
import { RetentionJob } from './retention/retention-job.js';
import { RetentionController } from './retention/retention.controller.js';
import { RetentionScheduler } from './retention/retention.scheduler.js';
import { SubjectRetentionFactsRepository } from './retention/subject-retention-facts.repository.js';
import { SubjectErasureController } from './subject-erasure.controller.js';
import { SubjectErasureService } from './subject-erasure.service.js';

/** Erasure, retention and legal holds: everything that destroys personal data, through one shredder, and what stops it. */
@Module({
  imports: [RetentionConfigModule],
  controllers: [SubjectErasureController, LegalHoldsController, RetentionController],
  providers: [PersonalDataShredder, SubjectErasureService, LegalHoldService, RetentionFactsRepository, SubjectRetentionFactsRepository, RetentionJob, RetentionScheduler],
  exports: [PersonalDataShredder],
})
export class PrivacyModule {}
