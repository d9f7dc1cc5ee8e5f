import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { processingOf } from '#platform';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { intakeConsumerGroups } from '../../intake/test/support/intake-fixtures.js';
import { ALL_APPS } from '../../signaalroute/src/all-apps.js';

/**
 * Walks the OpenAPI document of the whole product (every app in one process) and fails for any route
 * that touches personal data — everything except health, docs, the OpenAPI document, /v1/models and
 * /v1/audit/verify — whose handler is not marked `@ProcessesPersonalData` (checked on the handler's
 * Reflect metadata, which the processing-log interceptor reads, and on the operation's
 * `x-processing-activity`). Also: the auditor role is read-only everywhere — every write route refuses it.
 */

const NOT_PERSONAL = [
  /^\/health(\/|$)/,
  /^\/docs(\/|$)/,
  /^\/openapi(-ui)?\.json$/,
  /^\/v1\/models(\/|$)/,
  /^\/v1\/audit\/verify$/,
  // Names and table names of the replayable projections.
  /^\/v1\/audit\/projections$/,
  // Counts only (registrations, unique subjects, dismissed per source and MMA theme for a municipality and
  // period): no subject, signal or case id and no field of one leaves the route, so no subject to log against.
  /^\/v1\/statistics\/signals$/,
  // The configured tables (title, region, topic, deadlines, sharing profile): configuration, no personal data.
  // Everything under /v1/tables/{table}/... is a referral and is logged.
  /^\/v1\/tables$/,
];
/** Not writes, though sent with POST: they compute an answer and change nothing. */
// A replay without `switch` only compares (its tables are dropped); `switch` is refused to an auditor (tested in projection-replay-equals-live).
const READ_ONLY_POSTS = ['POST /v1/audit/verify', 'POST /v1/audit/replay'];

let h: AppHarness;
let operations: { method: string; path: string; extension: unknown }[];
let handlers: Map<string, { controller: Function; handler: Function }>;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS, consumerGroups: intakeConsumerGroups });
  const doc = await h.request('GET', '/openapi.json');
  expect(doc.status).toBe(200);
  operations = Object.entries(doc.body.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, extension: op['x-processing-activity'] })),
  );
  handlers = routeHandlers();
});

afterAll(async () => {
  await h?.stop();
});

/** Every controller method of the running app, keyed `METHOD /path/{param}` as in the OpenAPI document. */
function routeHandlers(): Map<string, { controller: Function; handler: Function }> {
  const found = new Map<string, { controller: Function; handler: Function }>();
  const join = (...parts: (string | string[] | undefined)[]) =>
    '/' + parts.flatMap((p) => (Array.isArray(p) ? p[0] : p) ?? '').map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p.length > 0).join('/');
  for (const module of h.running.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Function | null;
      if (!controller) continue;
      const base = Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined;
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name] as unknown;
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (path === undefined || method === undefined) continue;
        const key = `${RequestMethod[method]} ${join(base, path).replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
        found.set(key, { controller, handler });
      }
    }
  }
  return found;
}

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
    for (const op of operations.filter((o) => o.method !== 'GET' && !READ_ONLY_POSTS.includes(`${o.method} ${o.path}`))) {
      const path = op.path.replace(/\{[^}]+\}/g, randomUUID());
      const res = await h.request(op.method, path, { token: auditor, body: {} });
      if (res.status !== 403 || res.body?.code !== 'AUTH.ROLE_NOT_ALLOWED') allowed.push(`${op.method} ${op.path} → ${res.status} ${res.body?.code ?? ''}`);
    }
    expect(allowed).toEqual([]);
  });
});
