import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, type AppHarness, type HarnessResponse } from '../support/app-harness.js';
import { concretePath, openApiOperations, type OpenApiOperation } from '../support/openapi-operations.js';

/**
 * "A method a path does not take is 405 with Allow", walked over every path of `/openapi.json` on the all-in-one app
 * (real PostgreSQL and Kafka). DELETE /v1/cases/{id} and PUT /v1/signals/mma answered 404, as if the path did not
 * exist, and a client could not tell a wrong method from a wrong URL. Now, for every documented path and every
 * method it does not document, without a token (no route runs, so nothing is checked but the path):
 *  - 405 `HTTP.METHOD_NOT_ALLOWED` as problem+json with the caller's trace, and `Allow` naming every method the path
 *    takes (HEAD with each GET; a path another route's parameter also matches takes that route's methods too);
 *  - nothing is appended; a path no route has is still 404 `HTTP.NOT_FOUND`, without `Allow`.
 */

let h: AppHarness;
let operations: OpenApiOperation[];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const CALLER_TRACE = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  ({ operations } = await openApiOperations(h));
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const call = (method: string, path: string): Promise<HarnessResponse> => h.request(method, path, { headers: { traceparent: CALLER_TRACE } });
/** Whether an OpenAPI path (`/v1/signals/{id}`) matches a concrete one, a parameter being one non-empty segment. */
const matches = (documented: string, concrete: string): boolean =>
  new RegExp(`^${documented.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')).join('[^/]+')}$`).test(concrete);

describe('a method a path does not take is 405 with Allow', () => {
  it('on every documented path, each method no route takes there: 405 with Allow naming exactly the methods that are', async () => {
    const before = await h.countEvents();
    const failures: string[] = [];
    for (const path of new Set(operations.map((o) => o.path))) {
      const concrete = concretePath(path);
      // Every documented route the concrete path matches (GET /v1/signals/{id} takes /v1/signals/mma too).
      const taken = new Set(operations.filter((o) => matches(o.path, concrete)).map((o) => o.method));
      const allow = [...taken, ...(taken.has('GET') ? ['HEAD'] : [])].sort().join(', ');
      for (const method of METHODS.filter((m) => !taken.has(m))) {
        const res = await call(method, concrete);
        const wrong =
          res.status !== 405 || res.body?.code !== 'HTTP.METHOD_NOT_ALLOWED'
            ? `${res.status} ${res.body?.code}`
            : !res.contentType?.startsWith('application/problem+json')
              ? `content type ${res.contentType}`
              : res.body.traceId !== 'ab'.repeat(16)
                ? `trace ${res.body.traceId}`
                : res.headers.get('allow') !== allow
                  ? `Allow: ${res.headers.get('allow')}, expected ${allow}`
                  : null;
        if (wrong) failures.push(`${method} ${path}: ${wrong}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await h.countEvents()).toBe(before);
  });

  it('DELETE /v1/cases/{id} allows GET and HEAD; PUT /v1/signals/mma also GET /v1/signals/{id}, which takes "mma" as an id', async () => {
    const deleteCase = await call('DELETE', concretePath('/v1/cases/{id}'));
    expect(deleteCase.status).toBe(405);
    expect(deleteCase.headers.get('allow')).toBe('GET, HEAD');
    expect(deleteCase.body).toMatchObject({ status: 405, code: 'HTTP.METHOD_NOT_ALLOWED', allow: ['GET', 'HEAD'] });
    const putMma = await call('PUT', '/v1/signals/mma');
    expect(putMma.status).toBe(405);
    expect(putMma.headers.get('allow')).toBe('GET, HEAD, POST');
  });

  it('a path no route has is still 404 without Allow, a trailing slash after a fixed segment included', async () => {
    for (const path of ['/v1/no-such-thing', `${concretePath('/v1/cases/{id}')}/no-such-thing`, `${concretePath('/v1/cases/{id}')}/history/`]) {
      const res = await call('DELETE', path);
      expect([path, res.status, res.body?.code, res.headers.get('allow')]).toEqual([path, 404, 'HTTP.NOT_FOUND', null]);
    }
  });
});
