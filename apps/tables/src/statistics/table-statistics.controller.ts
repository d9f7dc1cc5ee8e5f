import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { reportTableStatistics, type ReportedCount, type TableStatistics } from '#domain';
import { CLOCK, readStatisticsPeriod, StatisticsPeriodQueryDto, type Clock } from '#platform';
import { CurrentPrincipal, Roles, type Principal } from '#security';
import { TableStatisticsRepository } from './table-statistics.repository.js';

/** Statistics of the tables and police liaisons for council reports (DOMAIN.md §7). */
@ApiTags('statistics')
@ApiBearerAuth()
@Roles('coordinator', 'auditor', 'admin')
@Controller('v1/statistics')
export class TableStatisticsController {
  constructor(
    private readonly statistics: TableStatisticsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('tables')
  @ApiOperation({
    summary: 'Referrals per table against the acceptance deadline, and police escalations by how they ended, in a municipality and period',
    description:
      'Counts the referrals referred in the period (Dutch calendar days, both ends included) per table by status (open, accepted, returned, ' +
      'rejected) and by answer against the acceptance deadline (accepted or returned before it, at or after it, still open past it now); and ' +
      'the police escalations raised in the period: acknowledged (per tier that acknowledged, or only after the coordinator was alerted), ' +
      "acknowledged before the first tier's first notification ran out, coordinator alerted (for any reason), still open. The escalations that reached " +
      'the coordinator are also counted by why (coordinatorAlertedByReason, every reason listed): every tier exhausted (tiers-exhausted), the politie ' +
      'table does not serve the municipality (municipality-not-served), or no longer serves it (municipality-no-longer-served). ' +
      'Small-number protection: every count from 1 to 4 is reported as the string "<5" (0 and 5 or more as numbers), and no percentages are given.',
  })
  @ApiQuery({ type: StatisticsPeriodQueryDto })
  async tables(@Query() rawQuery: Record<string, unknown>, @CurrentPrincipal() principal: Principal): Promise<{ municipality: string; from: string | null; to: string | null } & TableStatistics<ReportedCount>> {
    const period = readStatisticsPeriod(rawQuery, principal);
    const [referrals, escalations] = await Promise.all([
      this.statistics.referrals(period.municipality, period.fromInstant, period.toInstant),
      this.statistics.escalations(period.municipality, period.fromInstant, period.toInstant),
    ]);
    return { municipality: period.municipality, from: period.from, to: period.to, ...reportTableStatistics(referrals, escalations, this.clock()) };
  }
}
