import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { DeadlineGauges } from './deadline-gauges.js';
import { DeadlineScheduler } from './deadline.scheduler.js';

/** Durable deadline timers over `case_view.next_deadline_at`. */
@Module({
  imports: [CasesModule],
  providers: [DeadlineScheduler, DeadlineGauges],
  exports: [DeadlineScheduler],
})
export class DeadlinesModule {}
