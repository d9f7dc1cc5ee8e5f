import type { FastifyInstance } from 'fastify';
import type { ProcessMetrics } from './process-metrics.js';

/**
 * Records every HTTP answer in `signaalroute_http_request_duration_seconds`, labelled with the route
 * template (never the raw URL, whose ids would make a series per case), or `unmatched` for unknown paths.
 */
export function recordHttpMetrics(fastify: FastifyInstance, metrics: ProcessMetrics): void {
  fastify.addHook('onResponse', async (request, reply) => {
    metrics.httpRequests.observe(
      { method: request.method, route: request.routeOptions?.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
}
