import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, fromDayNumber, isCalendarDate, summarizeSignalStatistics, toDayNumber, type SignalStatistics } from '#domain';
import { validateDto } from '#platform';
import { CurrentPrincipal, municipalityScope, requireMunicipality, Roles, type Principal } from '#security';
import { amsterdamMidnight } from './amsterdam-midnight.js';
import { SignalStatisticsQueryDto } from './signal-statistics.query.dto.js';
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
      'Every received signal is a registration. Signals linked to the same subject count as one unique subject; a signal linked to no subject counts as a subject of its own.',
  })
  async signals(@Query() rawQuery: Record<string, unknown>, @CurrentPrincipal() principal: Principal): Promise<{ municipality: string; from: string | null; to: string | null } & SignalStatistics> {
    const query = validateDto(SignalStatisticsQueryDto, { ...rawQuery });
    const scope = municipalityScope(principal);
    if (scope !== 'all' && !scope.includes(query.municipality)) requireMunicipality(principal, query.municipality);
    for (const field of ['from', 'to'] as const) {
      const value = query[field];
      if (value !== undefined && !isCalendarDate(value)) throw new DomainError('VALIDATION.FAILED', `${field} is not a real date`, { errors: [{ path: field, constraints: ['isCalendarDate'], message: `${field} must be a date (YYYY-MM-DD)` }] });
    }
    if (query.from && query.to && query.from > query.to) {
      throw new DomainError('VALIDATION.PERIOD_INVALID', 'from lies after to');
    }
    const from = query.from ? amsterdamMidnight(query.from) : null;
    const to = query.to ? amsterdamMidnight(fromDayNumber(toDayNumber(query.to) + 1)) : null;
    const groups = await this.statistics.groups(query.municipality, from, to);
    return { municipality: query.municipality, from: query.from ?? null, to: query.to ?? null, ...summarizeSignalStatistics(groups) };
  }
}
