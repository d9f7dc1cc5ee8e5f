import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module.js';
import { RouterSignalsModule } from '../signals/router-signals.module.js';
import { SubjectsModule } from '../subjects/subjects.module.js';
import { CASE_COMMAND_RUNNER } from './case-command.port.js';
import { CaseCommandService } from './case-command.service.js';
import { CaseCommitBatcher } from './case-commit.batcher.js';
import { CaseCommandsController } from './case-commands.controller.js';
import { CaseQueriesController } from './case-queries.controller.js';
import { CaseViewLoader } from './case-view.loader.js';
import { CaseViewRepository } from './case-view.repository.js';
import { MUNICIPALITY_CALENDARS_PROVIDER } from './municipality-calendars.provider.js';
import { OpenCaseController } from './open-case.controller.js';
import { OpenCaseService } from './open-case.service.js';
import { TABLE_DIRECTORY_PROVIDER } from './table-directory.provider.js';

/** Cases: the command runner (load, decide, append), the case API and the `case_view` read model. */
@Module({
  imports: [ModelsModule, RouterSignalsModule, SubjectsModule],
  controllers: [OpenCaseController, CaseCommandsController, CaseQueriesController],
  providers: [TABLE_DIRECTORY_PROVIDER, MUNICIPALITY_CALENDARS_PROVIDER, CaseViewRepository, CaseViewLoader, CaseCommitBatcher, CaseCommandService, { provide: CASE_COMMAND_RUNNER, useExisting: CaseCommandService }, OpenCaseService],
  exports: [CASE_COMMAND_RUNNER, CaseViewRepository],
})
export class CasesModule {}
