import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The correlation id (the caller's `x-correlation-id` when it is a UUID, else a new one) and trace context of a request. */
export function requestIds(req: FastifyRequest): { correlationId: string; traceparent: string | null } {
  const header = req.headers['x-correlation-id'];
  return {
    correlationId: typeof header === 'string' && UUID.test(header) ? header : randomUUID(),
    traceparent: (req as FastifyRequest & { traceparent?: string }).traceparent ?? null,
  };
}
