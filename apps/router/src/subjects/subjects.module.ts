import { Module } from '@nestjs/common';
import { RouterSignalsModule } from '../signals/router-signals.module.js';
import { RegisterSubjectService } from './register-subject.service.js';
import { SubjectSuggestionsController } from './subject-suggestions.controller.js';
import { SubjectsController } from './subjects.controller.js';
import { SubjectsRepository } from './subjects.repository.js';

/** The subject registry: register and read subjects, and suggest the subject a signal may be about. */
@Module({
  imports: [RouterSignalsModule],
  controllers: [SubjectsController, SubjectSuggestionsController],
  providers: [SubjectsRepository, RegisterSubjectService],
  exports: [SubjectsRepository],
})
export class SubjectsModule {}
