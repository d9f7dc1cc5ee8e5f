import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { throwError, type Observable } from 'rxjs';
import { queryKeysRefusal } from './query-keys.js';
import { routeTakesQuery } from './route-takes-query.js';

/**
 * Global interceptor: a query parameter a route does not know is refused (400 `VALIDATION.FAILED`) before the
 * route's pipes and handler run, so nothing is read or changed. Routes without `@Query()` refuse every parameter
 * (an audit bundle asked `?as_of=` answered the whole bundle, as if that were the past one); all routes refuse the
 * reserved names (`query-keys.ts`).
 * An interceptor rather than a guard, for its place: after authentication (a caller without a valid token or role
 * learns nothing about a route's parameters) and inside the processing log's interceptor, registered before it,
 * which records a refused call of a personal-data route like any other refusal by the route itself.
 */
@Injectable()
export class QueryKeysInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const query = context.switchToHttp().getRequest<FastifyRequest>().query;
    const keys = query !== null && typeof query === 'object' ? Object.keys(query) : [];
    const refusal = keys.length === 0 ? null : queryKeysRefusal(keys, routeTakesQuery(context.getClass(), context.getHandler()));
    return refusal ? throwError(() => refusal) : next.handle();
  }
}
