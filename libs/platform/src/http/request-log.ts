import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

type LoggedRequest = FastifyRequest & { traceId?: string; principal?: { subject: string; role: string } };

/** The one log line of every answer: the route template, never the URL (ids and query values stay out of the logs). */
export function logRequest(logger: Logger, request: FastifyRequest, reply: FastifyReply): void {
  const r = request as LoggedRequest;
  logger.info(
    { component: 'http', method: request.method, route: request.routeOptions?.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime), traceId: r.traceId, actor: r.principal?.subject, role: r.principal?.role },
    'request',
  );
}
