import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { assertStorableText } from './storable-text.js';

/**
 * Refuses, for every route, a body, query or path parameter holding text PostgreSQL cannot store (400
 * `VALIDATION.FAILED` naming the fields), before any handler runs.
 */
export class StorableTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') assertStorableText(value, metadata.type === 'param' && metadata.data ? metadata.data : '');
    return value;
  }
}
