import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '#contracts';
import { routeTakesQuery } from '#platform';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, type AppHarness, type HarnessResponse } from '../support/app-harness.js';
import { openApiOperations } from '../support/openapi-operations.js';

/**
 * "A query parameter a route does not know is refused", walked over every operation of `/openapi.json` on the
 * all-in-one app (real PostgreSQL and Kafka). About 30 routes took no query at all and so ignored any: an audit
 * bundle asked `?as_of=` answered the whole bundle; and list routes with a query DTO let `?__proto__=x` through.
 * Every operation, called by a role it lets in, with no body (the query is refused before the body is read):
 *  - on a route without `@Query()`, `?unknownParam=…` is 400 `VALIDATION.FAILED` saying the route takes no query
 *    parameters, naming the parameter (at most 64 characters of it, as `echoedName` repeats a name: a 5,000-character
 *    name was repeated whole) and never its value. Which routes take a query is read from Nest's metadata;
 *  - on a route with `@Query()`, `?unknownParam=…` is never accepted (its own DTO refuses it, or a check of its
 *    path or role that comes first: a table that does not exist, dropping kept tables as a non-admin);
 *  - `?__proto__=`, `?constructor=`, `?prototype=` are 400 `VALIDATION.FAILED` on every operation;
 * and the walk appends no event. Health and the metrics scrape are Nest routes and follow the same rule; the
 * OpenAPI document and /docs are Fastify's own routes, outside it.
 */

let h: AppHarness;
const home = `GM${String(1000 + Math.floor(Math.random() * 8000)).padStart(4, '0')}`;
const CANARY = 'canary-value-7f3a';

interface Operation {
  key: string;
  method: string;
  path: string;
  /** The role a token is issued for; null on a public route. */
  role: Role | null;
  takesQuery: boolean;
}

let operations: Operation[];
const tokens = new Map<Role, Promise<string>>();

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  operations = (await openApiOperations(h)).operations.map((o) => ({ key: o.key, method: o.method, path: o.path, role: o.role, takesQuery: routeTakesQuery(o.controller, o.handler) }));
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

function tokenFor(role: Role): Promise<string> {
  if (!tokens.has(role)) tokens.set(role, h.token(role, role === 'auditor' ? [] : [home], { subject: `query-walk-${role}` }));
  return tokens.get(role)!;
}

/** A refusal is immediate; a stream that was opened instead never ends, so the walk stops waiting for it. */
const ANSWER_WITHIN_MS = 10_000;

async function call(operation: Operation, query: string): Promise<HarnessResponse> {
  const url = new URL(`${operation.path.replace(/\{[^}]+\}/g, () => randomUUID())}?${query}`, h.url);
  const headers: Record<string, string> = operation.role ? { authorization: `Bearer ${await tokenFor(operation.role)}` } : {};
  try {
    const response = await fetch(url, { method: operation.method, headers, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
    const text = await response.text();
    const contentType = response.headers.get('content-type');
    return { status: response.status, headers: response.headers, contentType, text, body: jsonOrUndefined(text) };
  } catch {
    return { status: 0, headers: new Headers(), contentType: null, text: `no complete answer within ${ANSWER_WITHIN_MS} ms`, body: undefined };
  }
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What is wrong with an answer to a refused parameter `name`, or null. */
function wrongRefusal(res: HarnessResponse, name: string, title?: string): string | null {
  const paths = Array.isArray(res.body?.errors) ? (res.body.errors as { path?: string }[]).map((e) => e.path) : [];
  if (res.status !== 400 || res.body?.code !== 'VALIDATION.FAILED') return `${res.status} ${res.body?.code ?? res.text.slice(0, 120)}`;
  if (!res.contentType?.startsWith('application/problem+json')) return `content type ${res.contentType}`;
  if (!paths.includes(name)) return `the errors do not name ${name}: ${JSON.stringify(res.body.errors)}`;
  if (title !== undefined && res.body.title !== title) return `title ${res.body.title}`;
  if (res.text.includes(CANARY)) return 'the answer repeats the value';
  return null;
}

/** What is wrong with the answer of a route that reads its own query to a name it does not know, or null. */
function notRefused(res: HarnessResponse): string | null {
  if (res.status < 400 || res.status >= 500) return `${res.status} ${res.body?.code ?? ''}`;
  if (!res.contentType?.startsWith('application/problem+json')) return `content type ${res.contentType}`;
  return res.text.includes(CANARY) ? 'the answer repeats the value' : null;
}

async function walk(name: string, judge: (operation: Operation, res: HarnessResponse) => string | null): Promise<string[]> {
  const failures: string[] = [];
  for (const operation of operations) {
    const wrong = judge(operation, await call(operation, `${name}=${CANARY}`));
    if (wrong) failures.push(`${operation.key} ?${name}=: ${wrong}`);
  }
  return failures;
}

describe('every operation refuses a query parameter it does not know', () => {
  it('finds the operations: those the sweep named take no query, the list routes do', () => {
    const byKey = new Map(operations.map((o) => [o.key, o.takesQuery]));
    const queryless = ['GET /v1/signals/{id}', 'GET /v1/cases/{id}', 'GET /v1/cases/{id}/history', 'POST /v1/cases', 'POST /v1/signals/mma', 'GET /v1/audit/streams/{streamId}/bundle', 'GET /v1/liaison/escalations/stream', 'GET /health/ready'];
    expect(queryless.map((key) => [key, byKey.get(key)])).toEqual(queryless.map((key) => [key, false]));
    expect(['GET /v1/cases', 'GET /v1/signals'].map((key) => [key, byKey.get(key)])).toEqual([['GET /v1/cases', true], ['GET /v1/signals', true]]);
  });

  it('?unknownParam= is 400 on every operation without a query, and never accepted on one with its own; nothing is appended', async () => {
    const before = await h.countEvents();
    const failures = await walk('unknownParam', (operation, res) =>
      operation.takesQuery ? notRefused(res) : wrongRefusal(res, 'unknownParam', 'This route takes no query parameters'),
    );
    expect(failures).toEqual([]);
    expect(await h.countEvents()).toBe(before);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('?%s= is 400 VALIDATION.FAILED on every operation, list routes included', async (name) => {
    const before = await h.countEvents();
    expect(await walk(name, (_operation, res) => wrongRefusal(res, name))).toEqual([]);
    expect(await h.countEvents()).toBe(before);
  });

  it('a 5,000-character parameter name is repeated cut to 64 characters on every operation, never whole', async () => {
    const long = 'q'.repeat(5_000);
    const cut = `${'q'.repeat(63)}…`;
    const failures = await walk(long, (operation, res) => {
      if (res.text.includes('q'.repeat(64))) return 'the answer repeats more than 63 characters of the name';
      return operation.takesQuery ? notRefused(res) : wrongRefusal(res, cut, 'This route takes no query parameters');
    });
    expect(failures.map((f) => f.replace(long, `${cut}(5,000)`))).toEqual([]);
  });

  it('a route that takes no query says so; one that takes a query still answers its own parameters', async () => {
    const bundle = await h.request('GET', `/v1/audit/streams/${randomUUID()}/bundle?as_of=2026-01-01T00:00:00Z`, { token: await tokenFor('auditor') });
    expect(bundle.body).toMatchObject({ status: 400, code: 'VALIDATION.FAILED', title: 'This route takes no query parameters' });
    const cases = await h.request('GET', '/v1/cases?limit=1&status=open', { token: await tokenFor('coordinator') });
    expect(cases.status).toBe(200);
    expect((await h.request('GET', '/health/live')).status).toBe(200);
  });
});
