import { randomBytesPooled } from '#security';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The caller's trace and span in a valid W3C `traceparent` (version 00; an all-zero trace or span id is invalid),
 * or null: then this request starts a trace of its own and has no parent.
 */
export function callerTrace(header: string | string[] | null | undefined): { traceId: string; parentSpanId: string } | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = typeof value === 'string' ? TRACEPARENT.exec(value.trim()) : null;
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return null;
  return { traceId: match[1]!, parentSpanId: match[2]! };
}

/**
 * W3C trace context: keeps the caller's trace id when a valid `traceparent` arrives, starts a new trace
 * otherwise, and gives this request its own span id.
 */
export function continueTrace(header: string | string[] | undefined): { traceId: string; spanId: string; traceparent: string } {
  const traceId = callerTrace(header)?.traceId ?? randomBytesPooled(16).toString('hex');
  const spanId = randomBytesPooled(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}
