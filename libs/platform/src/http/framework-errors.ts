import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { ProcessMetrics } from '../metrics/process-metrics.js';
import { fastifyProblem } from './fastify-problems.js';
import { problem, type Problem } from './problem.js';
import { logRequest } from './request-log.js';
import { traceRequest } from './request-trace.js';

/**
 * The problem for an error Fastify's router raises itself: a known one gets its stable code; any other (an
 * asynchronous route constraint that failed) is ours, a 500.
 */
export function frameworkErrorProblem(code: unknown): Problem {
  const known = fastifyProblem(code);
  if (known) return problem(known.status, known.code, known.title);
  return problem(500, 'INTERNAL.ERROR', 'Something went wrong on our side; the trace id identifies it in the logs');
}

/**
 * Fastify's `frameworkErrors` handler. The router refuses a path that does not decode (400) or a path parameter
 * over the limit (414) before any hook, route or Nest filter runs, so Fastify's own answer was plain JSON repeating
 * the URL, without trace, log line or metric. This does what the hooks and the problem filter do for every other
 * answer. There is no `instance`: the path is the refused input.
 */
export function answerFrameworkError(logger: Logger, metrics?: ProcessMetrics) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    traceRequest(request, reply);
    const traceId = (request as FastifyRequest & { traceId?: string }).traceId;
    const body = { ...frameworkErrorProblem(error.code), traceId };
    // Only the code: Fastify's message repeats the URL.
    if (body.status >= 500) logger.error({ err: { code: error.code }, traceId }, 'router error');
    void reply.status(body.status).header('content-type', 'application/problem+json').send(body);
    logRequest(logger, request, reply);
    // The route matched nothing, as for the metrics hook's unknown paths.
    metrics?.httpRequests.observe({ method: request.method, route: 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  };
}
