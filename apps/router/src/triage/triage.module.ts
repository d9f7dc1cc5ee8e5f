import { Module } from '@nestjs/common';
import { RouterSignalsModule } from '../signals/router-signals.module.js';
import { SubjectsModule } from '../subjects/subjects.module.js';
import { SignalStatisticsController } from './signal-statistics.controller.js';
import { SignalStatisticsRepository } from './signal-statistics.repository.js';
import { SignalTriageController } from './signal-triage.controller.js';
import { SignalTriageService } from './signal-triage.service.js';

/**
 * Triage: link signals to subjects, dismiss them, and count registrations and unique subjects. Brings the
 * subject registry and the router's signal read model with it. Its tables: `ROUTER_SIGNALS_MIGRATIONS`
 * and `SUBJECTS_MIGRATIONS`; its topics: signals and cases.
 */
@Module({
  imports: [RouterSignalsModule, SubjectsModule],
  controllers: [SignalTriageController, SignalStatisticsController],
  providers: [SignalTriageService, SignalStatisticsRepository],
})
export class TriageModule {}
