import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { DomainError } from '#domain';
import { unstorableText } from './storable-text.js';

/**
 * Refuses, for every route, a body, query or path parameter holding text PostgreSQL cannot store (400
 * `VALIDATION.FAILED` naming the fields), before any handler runs. `validateDto` checks the same for the bodies it
 * validates (and for Kafka); this covers the rest (a published model definition, a path id).
 */
export class StorableTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' && metadata.type !== 'query' && metadata.type !== 'param') return value;
    const problems = unstorableText(value, metadata.type === 'param' && metadata.data ? metadata.data : '');
    if (problems.length > 0) throw new DomainError('VALIDATION.FAILED', `The request has ${problems.length} invalid field(s)`, { errors: problems });
    return value;
  }
}
