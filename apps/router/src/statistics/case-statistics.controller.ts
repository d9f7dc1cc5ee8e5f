import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { reportCaseStatistics, type CaseStatistics, type ReportedCount } from '#domain';
import { readStatisticsPeriod, StatisticsPeriodQueryDto } from '#platform';
import { CurrentPrincipal, Roles, type Principal } from '#security';
import { CaseStatisticsRepository } from './case-statistics.repository.js';

/** Case statistics for council reports: cases per model and state, referrals per table, pickup (DOMAIN.md §7). */
@ApiTags('statistics')
@ApiBearerAuth()
@Roles('coordinator', 'auditor', 'admin')
@Controller('v1/statistics')
export class CaseStatisticsController {
  constructor(private readonly statistics: CaseStatisticsRepository) {}

  @Get('cases')
  @ApiOperation({
    summary: 'Cases per model and current state, referrals per table, and pickup against the deadline, in a municipality and period',
    description:
      'Counts the cases opened in the period (Dutch calendar days, both ends included): per model, open and closed, and per current state ' +
      '(for `ave` the escalations per AVE phase, for `7-stappenmodel` the youth groups per step); the referrals of those cases per table by ' +
      "the table's answer (open, accepted, returned; rejected: refused by the tables app before the table saw it); and for `ondermijning-intake` how many cases left `ontvangst` within the pickup " +
      'deadline, after it, or are still waiting. Small-number protection: every count from 1 to 4 is reported as the string "<5" ' +
      '(0 and 5 or more as numbers), and no percentages are given, since small numbers make them misleading.',
  })
  @ApiQuery({ type: StatisticsPeriodQueryDto })
  async cases(@Query() rawQuery: Record<string, unknown>, @CurrentPrincipal() principal: Principal): Promise<{ municipality: string; from: string | null; to: string | null } & CaseStatistics<ReportedCount>> {
    const period = readStatisticsPeriod(rawQuery, principal);
    const rows = await this.statistics.rows(period.municipality, period.fromInstant, period.toInstant);
    return { municipality: period.municipality, from: period.from, to: period.to, ...reportCaseStatistics(rows) };
  }
}
