import { Module } from '@nestjs/common';
import { PersonalDataShredder } from './personal-data-shredder.js';
import { SubjectErasureController } from './subject-erasure.controller.js';
import { SubjectErasureService } from './subject-erasure.service.js';

/** Erasure, retention and legal holds: everything that destroys personal data, through one shredder. */
@Module({
  controllers: [SubjectErasureController],
  providers: [PersonalDataShredder, SubjectErasureService],
  exports: [PersonalDataShredder],
})
export class PrivacyModule {}
