import type { FastifyReply, FastifyRequest } from 'fastify';
import { continueTrace } from './trace-context.js';

/** Continues the caller's trace (or starts one) on the request and answers with its `traceparent`. */
export function traceRequest(request: FastifyRequest, reply: FastifyReply): void {
  const trace = continueTrace(request.headers.traceparent);
  Object.assign(request, trace);
  void reply.header('traceparent', trace.traceparent);
}
