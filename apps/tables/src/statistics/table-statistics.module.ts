import { Module } from '@nestjs/common';
import { TableStatisticsController } from './table-statistics.controller.js';
import { TableStatisticsRepository } from './table-statistics.repository.js';

/** Statistics of the tables for council reports. Reads the referral register and the escalations; no tables or topics of its own. */
@Module({
  controllers: [TableStatisticsController],
  providers: [TableStatisticsRepository],
})
export class TableStatisticsModule {}
