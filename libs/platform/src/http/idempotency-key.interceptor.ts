import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { throwError, type Observable } from 'rxjs';
import { idempotencyKeyNotSupported, routeTakesIdempotencyKey } from './idempotency-key-route.js';

/**
 * Global interceptor: an `Idempotency-Key` on a POST or PATCH route that does not honour one is refused (400
 * `IDEMPOTENCY.KEY_NOT_SUPPORTED`, see `idempotencyKeyNotSupported`) before its pipes and handler run, so nothing is
 * changed. An interceptor, in the place of `QueryKeysInterceptor` and for its reasons: after authentication, inside
 * the processing log's interceptor.
 */
@Injectable()
export class IdempotencyKeyInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const refusal = idempotencyKeyNotSupported(request.method, request.headers);
    return refusal && !routeTakesIdempotencyKey(context.getClass(), context.getHandler()) ? throwError(() => refusal) : next.handle();
  }
}
