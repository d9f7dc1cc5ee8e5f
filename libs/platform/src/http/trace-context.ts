import { randomBytesPooled } from '#security';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * W3C trace context: keeps the caller's trace id when a valid `traceparent` arrives, starts a new trace
 * otherwise, and gives this request its own span id.
 */
export function continueTrace(header: string | string[] | undefined): { traceId: string; spanId: string; traceparent: string } {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? TRACEPARENT.exec(value.trim()) : null;
  const traceId = match && !/^0+$/.test(match[1]!) ? match[1]! : randomBytesPooled(16).toString('hex');
  const spanId = randomBytesPooled(8).toString('hex');
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}
