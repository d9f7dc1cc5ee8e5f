import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { answerFrameworkError, MAX_PATH_PARAMETER_LENGTH } from '#platform';

/**
 * Fastify's router refuses a path segment that is not percent-encoded UTF-8 (400) and a path parameter over the
 * limit (414) before any hook runs. Its own answer was plain `application/json` repeating the URL, without a
 * `traceparent` and without a request log line. The handler given as `frameworkErrors` answers problem+json with a
 * stable code, continues the trace and logs the request, repeating nothing of the URL. That the product's app uses
 * it is walked over every operation in test/conventions/router-refusals-are-problem-details.spec.ts.
 */

const lines: Record<string, unknown>[] = [];
let fastify: FastifyInstance;
let base: string;
const CALLER_TRACE = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;

beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  fastify = Fastify({ logger: false, routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH }, frameworkErrors: answerFrameworkError(logger) });
  fastify.get('/things/:id', async () => ({ ok: true }));
  base = await fastify.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await fastify?.close();
});

async function get(path: string) {
  const response = await fetch(`${base}${path}`, { headers: { traceparent: CALLER_TRACE } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe("the router's own refusals", () => {
  it.each([
    ['a segment that is not UTF-8', '/things/geheim%ED%A0%80', 'geheim', 400, 'HTTP.BAD_URL'],
    ['a path parameter over the limit', `/things/${'geheim'.repeat(20)}`, 'geheim', 414, 'HTTP.PATH_PARAMETER_TOO_LONG'],
  ])('%s: problem+json with a stable code, the caller trace, a log line, and nothing of the URL', async (_what, path, secret, status, code) => {
    lines.length = 0;
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const body = JSON.parse(res.text) as Record<string, unknown>;
    expect(body).toEqual({ type: expect.stringMatching(/^https:\/\/signaalroute\.nl\/problems\//), title: expect.any(String), status, code, traceId: 'ab'.repeat(16) });
    expect(res.text).not.toContain(secret);
    expect(res.text).not.toContain('things');
    expect(res.headers.get('traceparent')).toMatch(new RegExp(`^00-${'ab'.repeat(16)}-[0-9a-f]{16}-01$`));
    expect(lines).toEqual([expect.objectContaining({ component: 'http', msg: 'request', method: 'GET', status, traceId: 'ab'.repeat(16) })]);
    expect(JSON.stringify(lines)).not.toContain(secret);
  });

  it('a parameter at the limit still reaches its route', async () => {
    expect((await get(`/things/${'a'.repeat(MAX_PATH_PARAMETER_LENGTH)}`)).status).toBe(200);
  });
});
