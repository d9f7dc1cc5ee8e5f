import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MAX_PATH_PARAMETER_LENGTH } from '#platform';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, type AppHarness, type HarnessResponse } from '../support/app-harness.js';

/**
 * Fastify's router refuses a path segment that is not percent-encoded UTF-8 and a path parameter longer than 100
 * characters before any hook, guard or filter runs. On the 24 operations with a path parameter its answer was
 * Fastify's own: plain `application/json` with `FST_ERR_BAD_URL` / `FST_ERR_MAX_PARAM_LENGTH`, a message repeating
 * the URL, no `traceparent` and no request log line. Walked over every such operation of `/openapi.json` on the
 * all-in-one app: problem+json with the product's codes, the caller's trace continued, nothing of the URL repeated,
 * and the answers counted in the metrics (the log line is checked in libs/platform/test, where the log is read).
 */

let h: AppHarness;
let paths: { key: string; method: string; path: string }[];
const CALLER_TRACE_ID = 'ab'.repeat(16);
const CALLER_TRACE = `00-${CALLER_TRACE_ID}-${'cd'.repeat(8)}-01`;
/** Sent where a path parameter goes; the answer must not repeat it. */
const CANARY = 'geheim';

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  const doc = await h.request('GET', '/openapi.json');
  expect(doc.status).toBe(200);
  paths = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>)
    .filter(([path]) => path.includes('{'))
    .flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path })),
    );
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

/** The operation's path with its first parameter `value` (sent as is) and the others random ids. */
function withFirstParameter(path: string, value: string): string {
  let first = true;
  return path.replace(/\{[^}]+\}/g, () => {
    const v = first ? value : randomUUID();
    first = false;
    return v;
  });
}

function wrongAnswer(res: HarnessResponse, status: number, code: string): string | null {
  if (res.status !== status || res.body?.code !== code) return `${res.status} ${res.body?.code ?? res.text.slice(0, 120)}`;
  if (!res.contentType?.startsWith('application/problem+json')) return `content type ${res.contentType}`;
  if (res.body.traceId !== CALLER_TRACE_ID || !res.headers.get('traceparent')?.startsWith(`00-${CALLER_TRACE_ID}-`)) return `trace not continued: ${res.headers.get('traceparent')}`;
  if (res.text.includes(CANARY) || res.text.includes('/v1/') || res.text.includes('/health')) return `the answer repeats the URL: ${res.text}`;
  return null;
}

async function walk(value: string, status: number, code: string): Promise<string[]> {
  const failures: string[] = [];
  for (const { key, method, path } of paths) {
    const res = await h.request(method, withFirstParameter(path, value), { headers: { traceparent: CALLER_TRACE } });
    const wrong = wrongAnswer(res, status, code);
    if (wrong) failures.push(`${key}: ${wrong}`);
  }
  return failures;
}

describe("the router's own refusals are problem details", () => {
  it('finds the operations with a path parameter', () => {
    expect(paths.length).toBeGreaterThanOrEqual(24);
  });

  it('a path segment that is not UTF-8: 400 HTTP.BAD_URL on every operation', async () => {
    expect(await walk(`${CANARY}%ED%A0%80`, 400, 'HTTP.BAD_URL')).toEqual([]);
  });

  it(`a path parameter over ${MAX_PATH_PARAMETER_LENGTH} characters: 414 HTTP.PATH_PARAMETER_TOO_LONG on every operation`, async () => {
    expect(await walk(CANARY.repeat(Math.ceil((MAX_PATH_PARAMETER_LENGTH + 1) / CANARY.length)), 414, 'HTTP.PATH_PARAMETER_TOO_LONG')).toEqual([]);
  });

  it('the refusals are counted in the metrics, under no route', async () => {
    await h.request('GET', withFirstParameter('/v1/cases/{id}', '%ED%A0%80'));
    await h.request('GET', withFirstParameter('/v1/cases/{id}', 'x'.repeat(MAX_PATH_PARAMETER_LENGTH + 1)));
    const metrics = await h.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    for (const status of ['400', '414']) {
      expect(metrics.text).toMatch(new RegExp(`signaalroute_http_request_duration_seconds_count\\{[^}]*route="unmatched"[^}]*status="${status}"[^}]*\\} [1-9]`));
    }
  });
});
