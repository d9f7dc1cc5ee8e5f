import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { routeHandlers } from '../../../test/support/route-handlers.js';
import { processingOf } from '#platform';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { ALL_APPS } from '../../signaalroute/src/all-apps.js';
import { NOT_PERSONAL } from './support/not-personal-routes.js';

/**
 * Walks the OpenAPI document of the whole product (every app in one process) and fails for any route
 * that touches personal data — everything except health, docs, the OpenAPI document, /v1/models and
 * /v1/audit/verify — whose handler is not marked `@ProcessesPersonalData` (checked on the handler's
 * Reflect metadata, which the processing-log interceptor reads, and on the operation's
 * `x-processing-activity`). Also: the auditor role is read-only everywhere — every write route refuses it,
 * except the auditor's own verdicts on break-the-glass accesses.
 */

/** Not writes, though sent with POST: they compute an answer and change nothing. */
// A replay without `switch` only compares (its tables are dropped); `switch` is refused to an auditor (tested in projection-replay-equals-live).
const READ_ONLY_POSTS = ['POST /v1/audit/verify', 'POST /v1/audit/replay'];
/** The auditor's own record, not the product's data: the verdict on a break-the-glass access (test/access/break-glass.spec.ts). */
const AUDITOR_RECORDS = ['POST /v1/audit/break-glass/{id}/review'];

let h: AppHarness;
let operations: { method: string; path: string; extension: unknown }[];
let handlers: Map<string, { controller: Function; handler: Function }>;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  const doc = await h.request('GET', '/openapi.json');
  expect(doc.status).toBe(200);
  operations = Object.entries(doc.body.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, extension: op['x-processing-activity'] })),
  );
  handlers = routeHandlers(h.running.app);
});

afterAll(async () => {
  await h?.stop();
});


describe('the processing log covers every personal-data route', () => {
  it('finds the routes of the product in the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(5);
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(expect.arrayContaining(['POST /v1/signals/mma', 'GET /v1/signals/{id}', 'GET /v1/audit/processing-log']));
  });

  it('marks every route that touches personal data, on the handler and in the document', () => {
    const unmarked: string[] = [];
    for (const op of operations) {
      if (NOT_PERSONAL.some((re) => re.test(op.path))) continue;
      const key = `${op.method} ${op.path}`;
      const route = handlers.get(key);
      if (!route) {
        unmarked.push(`${key} (no handler found for it)`);
        continue;
      }
      const processing = processingOf(route.handler, route.controller);
      if (!processing) unmarked.push(`${key} (${route.controller.name}.${route.handler.name} has no @ProcessesPersonalData)`);
      else if (op.extension === undefined) unmarked.push(`${key} (no x-processing-activity in the OpenAPI document)`);
      else expect(processing.activity).toMatch(/^[a-z][a-z0-9-]+$/);
    }
    expect(unmarked).toEqual([]);
  });
});

describe('the auditor role is read-only everywhere', () => {
  it('is refused with 403 on every write route', async () => {
    const auditor = await h.token('auditor');
    const allowed: string[] = [];
    for (const op of operations.filter((o) => o.method !== 'GET' && ![...READ_ONLY_POSTS, ...AUDITOR_RECORDS].includes(`${o.method} ${o.path}`))) {
      const path = op.path.replace(/\{[^}]+\}/g, randomUUID());
      const res = await h.request(op.method, path, { token: auditor, body: {} });
      if (res.status !== 403 || res.body?.code !== 'AUTH.ROLE_NOT_ALLOWED') allowed.push(`${op.method} ${op.path} → ${res.status} ${res.body?.code ?? ''}`);
    }
    expect(allowed).toEqual([]);
  });
});
