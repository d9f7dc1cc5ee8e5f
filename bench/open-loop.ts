/**
 * A fixed request rate, evenly spaced and open loop (loadtest's `requestsPerSecond`): a request leaves every
 * 1/rate seconds whether or not earlier ones were answered, each on a free keep-alive connection (a new one when
 * all are busy). This is what "p99 at 1,500 requests/s" means.
 *
 * autocannon's `overallRate` is not that: it splits the rate over its connections and lets each send its share
 * for the second back to back, then pause until the next second (lib/httpClient.js, `reqsMadeThisSecond`). Its
 * fixed-rate runs measured bursts of `connections` requests in flight at the start of every second, so their
 * p99 was the p99 of a short saturation, and a slow second lost its unsent share. It stays for the sustained
 * (closed-loop, as-fast-as-possible) runs.
 */
import { loadTest } from 'loadtest';

export interface OpenLoopRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface OpenLoopAnswer {
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface OpenLoopResult {
  targetPerSecond: number;
  /** Answers in 2xx per second of the run. */
  perSecond: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  p50ms: number;
  p95ms: number;
  p99ms: number;
  maxMs: number;
}

export async function openLoop(
  url: string,
  options: {
    rate: number;
    seconds: number;
    /** The next request to send; called once per tick of the schedule. */
    next: () => OpenLoopRequest;
    /** Called with each answer (its body read); omit it when the answers do not matter (saves reading them). */
    onAnswer?: (answer: OpenLoopAnswer) => void;
  },
): Promise<OpenLoopResult> {
  const result = await (loadTest as unknown as (options: object) => Promise<unknown>)({
    url,
    requestsPerSecond: options.rate,
    maxSeconds: options.seconds,
    agentKeepAlive: true,
    quiet: true,
    timeout: 30_000,
    // loadtest calls it with (options, params, request, callback), whatever its typings say.
    requestGenerator: ((_options: unknown, params: any, request: any, callback: unknown) => {
      const r = options.next();
      params.method = r.method;
      params.path = r.path;
      params.headers = { ...params.headers, ...r.headers };
      if (r.body !== undefined) Object.assign(params.headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) });
      const req = request(params, callback);
      if (r.body !== undefined) req.write(r.body);
      return req;
    }) as any,
    ...(options.onAnswer
      ? { statusCallback: (_error: Error, answer: any) => answer && options.onAnswer!({ path: answer.path, status: answer.statusCode, headers: answer.headers, body: answer.body }) }
      : {}),
  } as any);
  const r = result as unknown as { totalRequests: number; totalErrors: number; errorCodes: Record<string, number>; percentiles: Record<string, number>; maxLatencyMs: number };
  // loadtest counts answers of 400 and above as errors, under their status code; '-1' is a connection error or timeout.
  const errors = r.errorCodes['-1'] ?? 0;
  const non2xx = r.totalErrors - errors;
  return {
    targetPerSecond: options.rate,
    perSecond: Math.round((r.totalRequests - r.totalErrors) / options.seconds),
    non2xx,
    errors,
    p50ms: r.percentiles['50']!,
    p95ms: r.percentiles['95']!,
    p99ms: r.percentiles['99']!,
    maxMs: r.maxLatencyMs,
  };
}
