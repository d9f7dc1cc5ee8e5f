import { DomainError } from '#domain';

/**
 * A time filter's bounds, both given: `from` must lie before `to` (the lists read from inclusive, to exclusive), else
 * 400 `VALIDATION.RANGE_INVALID`. An inverted range used to answer an empty list on some routes and be refused on
 * others; an empty answer reads as "nothing happened", not as a typing mistake.
 * @throws DomainError `VALIDATION.RANGE_INVALID`
 */
export function requireTimeRange(from: string | undefined, to: string | undefined, names: readonly [string, string] = ['from', 'to']): void {
  if (from !== undefined && to !== undefined && Date.parse(from) >= Date.parse(to)) {
    throw new DomainError('VALIDATION.RANGE_INVALID', `\`${names[0]}\` must be before \`${names[1]}\``);
  }
}
