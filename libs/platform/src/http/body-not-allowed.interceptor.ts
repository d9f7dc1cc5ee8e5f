import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { throwError, type Observable } from 'rxjs';
import { bodyNotAllowed, routeTakesBody } from './body-not-allowed.js';

/**
 * Global interceptor: a route without `@Body()` refuses a body (400 `VALIDATION.BODY_NOT_ALLOWED`, see
 * `bodyNotAllowed`) before its pipes and handler run, so nothing is read or changed. An interceptor, in the place
 * of `QueryKeysInterceptor` and for its reasons: after authentication, inside the processing log's interceptor.
 */
@Injectable()
export class BodyNotAllowedInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const body = context.switchToHttp().getRequest<FastifyRequest>().body;
    // The route first: the refusal (an Error, with its stack) is built only for a body the route does not take.
    const refusal = body === undefined || routeTakesBody(context.getClass(), context.getHandler()) ? null : bodyNotAllowed(body);
    return refusal ? throwError(() => refusal) : next.handle();
  }
}
