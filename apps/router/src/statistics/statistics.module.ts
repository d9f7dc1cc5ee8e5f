import { Module } from '@nestjs/common';
import { CaseStatisticsController } from './case-statistics.controller.js';
import { CaseStatisticsRepository } from './case-statistics.repository.js';

/** Case statistics for council reports. Reads `case_view` and the case streams; no tables or topics of its own. */
@Module({
  controllers: [CaseStatisticsController],
  providers: [CaseStatisticsRepository],
})
export class StatisticsModule {}
