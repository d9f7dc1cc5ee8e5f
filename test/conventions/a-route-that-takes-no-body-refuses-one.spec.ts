import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '#contracts';
import { routeTakesBody } from '#platform';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, type AppHarness, type HarnessResponse, type RequestOptions } from '../support/app-harness.js';
import { concretePath, openApiOperations, type OpenApiOperation } from '../support/openapi-operations.js';

/**
 * "A route that takes no body refuses one", walked over every operation of `/openapi.json` on the all-in-one app
 * (real PostgreSQL and Kafka). Acknowledging an escalation, accepting a referral, starting a retention run and
 * dropping kept tables read no body, and took any: a reason sent with an acknowledgement was dropped without a
 * word. Every operation whose handler has no `@Body()`, called by a role it lets in:
 *  - with a JSON object that has fields, an array, a string or null: 400 `VALIDATION.BODY_NOT_ALLOWED`, as
 *    problem+json that repeats nothing of the body, and nothing is appended;
 *  - with no body or `{}` (what many clients send with every POST): never refused for it.
 * Which routes take a body is read from Nest's metadata (`routeTakesBody`).
 */

let h: AppHarness;
let bodyless: OpenApiOperation[];
const home = `GM${String(1000 + Math.floor(Math.random() * 8000)).padStart(4, '0')}`;
const CANARY = 'canary-body-5e1d';
const tokens = new Map<Role, Promise<string>>();

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  const { operations } = await openApiOperations(h);
  bodyless = operations.filter((o) => o.method !== 'GET' && !routeTakesBody(o.controller, o.handler));
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

function tokenFor(role: Role): Promise<string> {
  if (!tokens.has(role)) tokens.set(role, h.token(role, role === 'auditor' ? [] : [home], { subject: `body-walk-${role}` }));
  return tokens.get(role)!;
}

async function call(operation: OpenApiOperation, body: Pick<RequestOptions, 'body' | 'rawBody'>): Promise<HarnessResponse> {
  return h.request(operation.method, concretePath(operation.path), { ...body, token: operation.role ? await tokenFor(operation.role) : undefined });
}

describe('a route that takes no body refuses one', () => {
  it('finds the routes without a body: acknowledge, accept, retention run, drop kept tables; lift and erase take a reason', () => {
    const keys = bodyless.map((o) => o.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /v1/liaison/escalations/{id}/ack',
        'POST /v1/tables/{table}/referrals/{id}/accept',
        'POST /v1/retention/runs',
        'DELETE /v1/audit/projections/{name}/previous',
      ]),
    );
    expect(keys).not.toContain('POST /v1/legal-holds/{id}/lift');
    expect(keys).not.toContain('POST /v1/subjects/{id}/erasure');
  });

  it.each([
    ['an object with a field', { body: { reason: CANARY } }],
    ['an array', { body: [CANARY] }],
    ['a string', { body: CANARY }],
    ['null', { rawBody: 'null' }],
  ])('%s is 400 VALIDATION.BODY_NOT_ALLOWED on each of them, repeating nothing, and nothing is appended', async (_what, body) => {
    const before = await h.countEvents();
    const failures: string[] = [];
    for (const operation of bodyless) {
      const res = await call(operation, body);
      if (res.status !== 400 || res.body?.code !== 'VALIDATION.BODY_NOT_ALLOWED') failures.push(`${operation.key}: ${res.status} ${res.body?.code ?? res.text.slice(0, 120)}`);
      else if (!res.contentType?.startsWith('application/problem+json')) failures.push(`${operation.key}: content type ${res.contentType}`);
      else if (res.text.includes(CANARY)) failures.push(`${operation.key}: the answer repeats the body`);
    }
    expect(failures).toEqual([]);
    expect(await h.countEvents()).toBe(before);
  });

  it('says what to send instead', async () => {
    const res = await call(bodyless[0]!, { body: { reason: CANARY } });
    expect(res.body).toMatchObject({ status: 400, code: 'VALIDATION.BODY_NOT_ALLOWED', title: 'This route takes no body; send none or {}' });
  });

  it.each([
    ['no body', {}],
    ['{}', { body: {} }],
  ])('%s is never refused for its body', async (_what, body) => {
    const refused: string[] = [];
    for (const operation of bodyless) {
      const res = await call(operation, body);
      if (res.body?.code === 'VALIDATION.BODY_NOT_ALLOWED') refused.push(operation.key);
    }
    expect(refused).toEqual([]);
  });
});
