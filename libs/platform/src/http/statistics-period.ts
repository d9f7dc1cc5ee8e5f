import { DomainError, endOfAmsterdamDay, isCalendarDate, startOfAmsterdamDay } from '#domain';
import { municipalityScope, requireMunicipality, type Principal } from '#security';
import { StatisticsPeriodQueryDto } from './statistics-period.query.dto.js';
import { validateDto } from './validate-dto.js';

/** The days a statistics period may name. */
const STATISTICS_FIRST_DAY = '1970-01-01';
const STATISTICS_LAST_DAY = '9998-12-31';

/** The municipality and period a statistics request asks for, checked. */
export interface StatisticsPeriod {
  municipality: string;
  /** The days as asked (null: no bound). */
  from: string | null;
  to: string | null;
  /** The period as instants: [`fromInstant`, `toInstant`), Dutch calendar days with both ends included. */
  fromInstant: Date | null;
  toInstant: Date | null;
}

/**
 * Reads `municipality`, `from` and `to` of a statistics request: 400 `VALIDATION.FAILED` for a bad code or
 * a date that does not exist or lies outside 1970–9998, 400 `VALIDATION.PERIOD_INVALID` when `from` lies after `to`, 403
 * `AUTH.MUNICIPALITY_NOT_ALLOWED` for a municipality outside the principal's scope.
 */
export function readStatisticsPeriod(rawQuery: Record<string, unknown>, principal: Principal): StatisticsPeriod {
  const query = validateDto(StatisticsPeriodQueryDto, { ...rawQuery });
  const scope = municipalityScope(principal);
  if (scope !== 'all' && !scope.includes(query.municipality)) requireMunicipality(principal, query.municipality);
  for (const field of ['from', 'to'] as const) {
    const value = query[field];
    if (value !== undefined && !isCalendarDate(value)) throw new DomainError('VALIDATION.FAILED', `${field} is not a real date`, { errors: [{ path: field, constraints: ['isCalendarDate'], message: `${field} must be a date (YYYY-MM-DD)` }] });
    // Dutch days are counted on today's clock rules; before 1970 (other offsets) or at the end of the calendar there is nothing to count.
    if (value !== undefined && (value < STATISTICS_FIRST_DAY || value > STATISTICS_LAST_DAY)) {
      throw new DomainError('VALIDATION.FAILED', `${field} lies outside ${STATISTICS_FIRST_DAY}–${STATISTICS_LAST_DAY}`, { errors: [{ path: field, constraints: ['dateRange'], message: `${field} must lie between ${STATISTICS_FIRST_DAY} and ${STATISTICS_LAST_DAY}` }] });
    }
  }
  if (query.from && query.to && query.from > query.to) {
    throw new DomainError('VALIDATION.PERIOD_INVALID', 'from lies after to');
  }
  return {
    municipality: query.municipality,
    from: query.from ?? null,
    to: query.to ?? null,
    fromInstant: query.from ? startOfAmsterdamDay(query.from) : null,
    toInstant: query.to ? endOfAmsterdamDay(query.to) : null,
  };
}
