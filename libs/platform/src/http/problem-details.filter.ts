import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { DomainError } from '#domain';
import { isDatabaseUnavailable } from '#eventstore';
import { bearerChallenge } from './bearer-challenge.js';
import { httpStatusForCode } from './error-status.js';
import { fastifyProblem } from './fastify-problems.js';
import { problem, type Problem } from './problem.js';

/**
 * Every error leaves as `application/problem+json` with a stable `code`. Messages never echo request
 * values (they may be personal data); unexpected errors are logged with their stack and answered 500.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest & { traceId?: string }>();
    const body = { ...this.toProblem(exception), instance: request.url?.split('?')[0], traceId: request.traceId };
    const retryAfter = retryAfterSeconds(exception, body.code);
    if (body.code === 'SERVICE.UNAVAILABLE') this.logger.warn({ err: { message: (exception as Error)?.message }, traceId: request.traceId, route: request.routeOptions?.url }, 'database unavailable');
    else if (body.status >= 500 && retryAfter === undefined) this.logger.error({ err: exception, traceId: request.traceId, route: request.routeOptions?.url }, 'unhandled error');
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    // A 401 must say how to authenticate; clients and gateways wait for the challenge to fetch a fresh token.
    if (body.status === 401) void reply.header('www-authenticate', bearerChallenge(body.code));
    void reply.status(body.status).header('content-type', 'application/problem+json').send(body);
  }

  toProblem(exception: unknown): Problem {
    const e = exception as { code?: unknown; httpStatus?: unknown; statusCode?: unknown; message?: string; details?: Record<string, unknown> };
    if (exception instanceof DomainError) {
      return problem(httpStatusForCode(exception.code), exception.code, exception.message, exception.details ?? {});
    }
    // Security errors carry their own status (401/403).
    if (typeof e?.code === 'string' && typeof e.httpStatus === 'number') {
      return problem(e.httpStatus, e.code, e.message ?? 'Not allowed');
    }
    // Nest hands Fastify's own 4xx errors (body too large, bad JSON, media type) over wrapped in an
    // HttpException whose `cause` is the Fastify error.
    const cause = exception instanceof HttpException ? (exception.cause as { code?: unknown } | undefined) : undefined;
    const f = fastifyProblem(e?.code) ?? fastifyProblem(cause?.code);
    if (f) {
      return problem(f.status, f.code, f.title);
    }
    if (exception instanceof SyntaxError || (e?.statusCode === 400 && /JSON/i.test(e.message ?? ''))) {
      return problem(400, 'HTTP.MALFORMED_JSON', 'The body is not valid JSON');
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = status === 404 ? 'HTTP.NOT_FOUND' : status === 405 ? 'HTTP.METHOD_NOT_ALLOWED' : `HTTP.${status}`;
      return problem(status, code, status === 404 ? 'No such resource' : exception.message);
    }
    if (isDatabaseUnavailable(exception)) {
      return problem(503, 'SERVICE.UNAVAILABLE', 'The database cannot be reached; nothing was stored, try again shortly');
    }
    if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      return problem(e.statusCode, `HTTP.${e.statusCode}`, e.message ?? 'Bad request');
    }
    return problem(500, 'INTERNAL.ERROR', 'Something went wrong on our side; the trace id identifies it in the logs');
  }
}

/** Seconds a client should wait before sending the request again (`Retry-After`), for answers that mean "not now". */
function retryAfterSeconds(exception: unknown, code: string): number | undefined {
  const own = (exception as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof own === 'number') return own;
  return code === 'SERVICE.UNAVAILABLE' ? DATABASE_RETRY_AFTER_SECONDS : undefined;
}

/** A database outage is rarely over within a second; five spares it a stampede of retries. */
const DATABASE_RETRY_AFTER_SECONDS = 5;
