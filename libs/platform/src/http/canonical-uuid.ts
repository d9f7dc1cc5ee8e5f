import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { Transform } from 'class-transformer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a uuid (either case): checked before a `::uuid` cast, so a malformed id is a 404, not a 500. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/**
 * A uuid in its canonical form, lower case (RFC 9562: read in either case, written in lower case); anything else as
 * it is. Ids are stored and compared as text in several places (stream ids, key owners, JSON payloads, the
 * processing log's pseudonyms), where `ABC…` and `abc…` are different strings although PostgreSQL's uuid type and
 * the validators take both: a case read with an upper-case id was found, but its commands went to another stream
 * (409 for ever), an erasure named no key (and answered "erased already"), and a read was logged under a pseudonym
 * an auditor's search by the lower-case id did not find.
 */
export function canonicalUuid<T>(value: T): T {
  return (isUuid(value) ? value.toLowerCase() : value) as T;
}

/** For a DTO field holding a uuid or a list of them: the value as `canonicalUuid` gives it (before validation). */
export const CanonicalUuid = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (Array.isArray(value) ? value.map(canonicalUuid) : canonicalUuid(value)));

/** Every route's path parameters that are uuids, in canonical form before any other pipe sees them. */
export class CanonicalUuidParamPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    return metadata.type === 'param' ? canonicalUuid(value) : value;
  }
}
