import { ValidateBy, type ValidationOptions } from 'class-validator';
import { parseIsoInstant } from '#domain';

/**
 * A real date-time with an offset (`Z` or `±hh:mm`), as `parseIsoInstant` reads it. `IsISO8601` also takes a date
 * alone or a time without an offset, which PostgreSQL then reads in its session's time zone and JavaScript in the
 * host's: a coordinator filtering one Dutch day got a window one or two hours off, without being told.
 */
export const IsIsoInstant = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isIsoInstant',
      validator: {
        validate: (value: unknown) => parseIsoInstant(value) !== null,
        defaultMessage: (args) => `${args?.property ?? "the value"} must be an ISO 8601 date-time with an offset (Z or ±hh:mm), e.g. 2026-11-20T00:00:00+01:00`,
      },
    },
    options,
  );
