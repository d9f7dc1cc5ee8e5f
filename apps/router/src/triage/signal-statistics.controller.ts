import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { reportSignalStatistics, type ReportedCount, type SignalStatistics } from '#domain';
import { readStatisticsPeriod, StatisticsPeriodQueryDto } from '#platform';
import { CurrentPrincipal, Roles, type Principal } from '#security';
import { SignalStatisticsRepository } from './signal-statistics.repository.js';

/** Signal statistics for council reports: registrations and unique subjects (DOMAIN.md §7). */
@ApiTags('statistics')
@ApiBearerAuth()
@Roles('coordinator', 'auditor', 'admin')
@Controller('v1/statistics')
export class SignalStatisticsController {
  constructor(private readonly statistics: SignalStatisticsRepository) {}

  @Get('signals')
  @ApiOperation({
    summary: 'Registrations and unique subjects per source (and per theme for MMA) in a municipality and period',
    description:
      'Every received signal is a registration. Signals linked to the same subject count as one unique subject; a signal linked to no subject counts as a subject of its own. Small numbers mislead and can point at someone: every count of 1 to 4 is reported as "<5".',
  })
  @ApiQuery({ type: StatisticsPeriodQueryDto })
  async signals(@Query() rawQuery: Record<string, unknown>, @CurrentPrincipal() principal: Principal): Promise<{ municipality: string; from: string | null; to: string | null } & SignalStatistics<ReportedCount>> {
    const period = readStatisticsPeriod(rawQuery, principal);
    const groups = await this.statistics.groups(period.municipality, period.fromInstant, period.toInstant);
    return { municipality: period.municipality, from: period.from, to: period.to, ...reportSignalStatistics(groups) };
  }
}
