import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '#contracts';
import { routeTakesIdempotencyKey } from '#platform';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, type AppHarness, type HarnessResponse } from '../support/app-harness.js';
import { concretePath, openApiOperations, type OpenApiOperation } from '../support/openapi-operations.js';

/**
 * "An `Idempotency-Key` is refused where it is not honoured", walked over every POST operation of `/openapi.json`
 * on the all-in-one app (real PostgreSQL and Kafka). Acknowledging, accepting, reporting back, dismissing,
 * linking, erasing, lifting and reading a reporter ignored the header: a client that sent it expected a safe retry
 * and got the request carried out twice. Now:
 *  - the routes that honour the key are those whose OpenAPI operation documents the header (`routeTakesIdempotencyKey`
 *    reads the same `@ApiHeader`, so the document and the rule cannot drift), and they are the ones that record it;
 *  - every other POST route answers a request with the header 400 `IDEMPOTENCY.KEY_NOT_SUPPORTED` (problem+json)
 *    before it reads anything, and nothing is appended;
 *  - a route that honours the key is never refused for it, nor is a GET or DELETE (HTTP makes those idempotent).
 */

let h: AppHarness;
let posts: OpenApiOperation[];
const home = `GM${String(1000 + Math.floor(Math.random() * 8000)).padStart(4, '0')}`;
const tokens = new Map<Role, Promise<string>>();

/** The routes that record callers' keys (`*_request_keys`, the intake's `idem:` keys). */
const HONOURING = [
  'POST /v1/signals/mma',
  'POST /v1/signals/intern-meldpunt',
  'POST /v1/signals/zorgmelding',
  'POST /v1/cases',
  'POST /v1/cases/{id}/transitions',
  'POST /v1/cases/{id}/regie',
  'POST /v1/cases/{id}/notes',
  'POST /v1/cases/{id}/plan',
  'POST /v1/cases/{id}/signals',
  'POST /v1/cases/{id}/model-version',
  'POST /v1/cases/{id}/referrals',
  'POST /v1/tables/{table}/referrals/{id}/case/transitions',
  'POST /v1/subjects',
  'POST /v1/legal-holds',
];

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  posts = (await openApiOperations(h)).operations.filter((o) => o.method === 'POST');
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

function tokenFor(role: Role): Promise<string> {
  if (!tokens.has(role)) tokens.set(role, h.token(role, role === 'auditor' ? [] : [home], { subject: `idempotency-walk-${role}` }));
  return tokens.get(role)!;
}

async function callWithKey(method: string, path: string, role: Role | null): Promise<HarnessResponse> {
  return h.request(method, concretePath(path), { token: role ? await tokenFor(role) : undefined, headers: { 'idempotency-key': 'retry-7c41' } });
}

const documentsKey = (o: OpenApiOperation) => (o.doc.parameters ?? []).some((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key');

describe('an Idempotency-Key is refused where it is not honoured', () => {
  it('the routes that honour it are those the OpenAPI document says take it, as the rule reads them', () => {
    expect(posts.filter(documentsKey).map((o) => o.key).sort()).toEqual([...HONOURING].sort());
    expect(posts.filter((o) => routeTakesIdempotencyKey(o.controller, o.handler)).map((o) => o.key).sort()).toEqual([...HONOURING].sort());
  });

  it('every other POST route answers 400 IDEMPOTENCY.KEY_NOT_SUPPORTED before reading anything, and nothing is appended', async () => {
    const others = posts.filter((o) => !HONOURING.includes(o.key));
    expect(others.map((o) => o.key)).toEqual(
      expect.arrayContaining([
        'POST /v1/liaison/escalations/{id}/ack',
        'POST /v1/liaison/escalations/{id}/reports',
        'POST /v1/tables/{table}/referrals/{id}/accept',
        'POST /v1/signals/{id}/dismissal',
        'POST /v1/signals/{id}/subject',
        'POST /v1/subjects/{id}/erasure',
        'POST /v1/legal-holds/{id}/lift',
        'POST /v1/signals/{id}/reporter-access',
      ]),
    );
    const before = await h.countEvents();
    const failures: string[] = [];
    for (const operation of others) {
      const res = await callWithKey('POST', operation.path, operation.role);
      if (res.status !== 400 || res.body?.code !== 'IDEMPOTENCY.KEY_NOT_SUPPORTED') failures.push(`${operation.key}: ${res.status} ${res.body?.code ?? res.text.slice(0, 120)}`);
      else if (!res.contentType?.startsWith('application/problem+json')) failures.push(`${operation.key}: content type ${res.contentType}`);
    }
    expect(failures).toEqual([]);
    expect(await h.countEvents()).toBe(before);
  });

  it('says that the route does not take one', async () => {
    const res = await callWithKey('POST', '/v1/liaison/escalations/{id}/ack', 'police-liaison');
    expect(res.body).toMatchObject({ status: 400, code: 'IDEMPOTENCY.KEY_NOT_SUPPORTED', title: expect.stringContaining('This route does not take an Idempotency-Key') });
  });

  it('a route that honours the key, a GET and a DELETE are never refused for it', async () => {
    const refused: string[] = [];
    for (const operation of posts.filter((o) => HONOURING.includes(o.key))) {
      if ((await callWithKey('POST', operation.path, operation.role)).body?.code === 'IDEMPOTENCY.KEY_NOT_SUPPORTED') refused.push(operation.key);
    }
    expect(refused).toEqual([]);
    expect((await callWithKey('GET', '/v1/cases', 'coordinator')).status).toBe(200);
    expect((await callWithKey('DELETE', '/v1/audit/projections/triage-queue/previous', 'admin')).body?.code).not.toBe('IDEMPOTENCY.KEY_NOT_SUPPORTED');
  });
});
