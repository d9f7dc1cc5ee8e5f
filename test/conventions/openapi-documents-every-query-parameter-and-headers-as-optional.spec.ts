import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DECORATORS } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { routeTakesQuery } from '#platform';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, type AppHarness } from '../support/app-harness.js';
import { openApiOperations, type OpenApiOperation } from '../support/openapi-operations.js';

/**
 * What `/openapi.json` of the all-in-one app (real PostgreSQL and Kafka) tells a client about query parameters and
 * headers. The list routes read their raw query into a DTO, so the document showed none of their filters or paging
 * (GET /v1/signals, /v1/cases, a table's referrals, the liaison's escalations, the processing log, ...); and a header
 * a handler reads with `@Headers()` was documented twice, once as required (`Idempotency-Key`, `Last-Event-ID`),
 * though no route requires it. Walking every operation:
 *  - each whose handler reads its query (`@Query()`) documents its query parameters; where the document takes them
 *    from a query DTO (`@ApiQuery({ type })`), they are exactly the fields the DTO validates, and only a route that
 *    reads its query with `onlyQueryParameters` instead of a DTO names them by hand;
 *  - each header is documented once per operation (names are case-insensitive) and optional, `Idempotency-Key` on
 *    the routes that honour it and `Last-Event-ID` on the escalation stream included.
 */

let h: AppHarness;
let operations: OpenApiOperation[];

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  ({ operations } = await openApiOperations(h));
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const parametersIn = (operation: OpenApiOperation | undefined, place: string) => (operation?.doc.parameters ?? []).filter((p) => p.in === place);
const byKey = (key: string) => operations.find((o) => o.key === key);

/** The query DTO an operation's `@ApiQuery({ type })` documents, if any. */
function queryDtoOf(operation: OpenApiOperation): Function | undefined {
  const documented = (Reflect.getMetadata(DECORATORS.API_PARAMETERS, operation.handler) ?? []) as { in?: string; name?: string; type?: unknown }[];
  return documented.find((p) => p.in === 'query' && !p.name && typeof p.type === 'function')?.type as Function | undefined;
}

/** The fields class-validator checks on `dto`: those `validateDto` accepts. */
const validatedFields = (dto: Function): string[] => [...new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((m) => m.propertyName))].sort();

describe('the OpenAPI document', () => {
  it('documents the query parameters of every route that reads its query', () => {
    const readers = operations.filter((o) => routeTakesQuery(o.controller, o.handler));
    expect(readers.length).toBeGreaterThan(10);
    expect(readers.filter((o) => parametersIn(o, 'query').length === 0).map((o) => o.key)).toEqual([]);
  });

  it("documents a query DTO's fields, exactly the ones it validates", () => {
    const fromDtos = operations.filter((o) => queryDtoOf(o) !== undefined);
    expect(fromDtos.length).toBeGreaterThan(5);
    const mismatches = fromDtos
      .map((o) => ({ key: o.key, documented: parametersIn(o, 'query').map((p) => p.name).sort(), validated: validatedFields(queryDtoOf(o)!) }))
      .filter((m) => JSON.stringify(m.documented) !== JSON.stringify(m.validated));
    expect(mismatches).toEqual([]);
  });

  // A route that validates its query with a DTO documents it from that DTO, so the two cannot drift apart (GET
  // /v1/models and DELETE /v1/audit/projections/{name}/previous named their parameters by hand). Only a route that
  // takes a name or two with `onlyQueryParameters`, and no DTO, names them by hand.
  it('documents every query from the DTO that validates it; only a route that reads names with onlyQueryParameters names them by hand', () => {
    const byHand = operations.filter((o) => routeTakesQuery(o.controller, o.handler) && queryDtoOf(o) === undefined).map((o) => o.key);
    expect(byHand.sort()).toEqual(['GET /v1/audit/cases/{id}', 'GET /v1/disclosures']);
    expect(parametersIn(byKey('GET /v1/models'), 'query')).toEqual([expect.objectContaining({ name: 'municipality', required: false })]);
    expect(parametersIn(byKey('DELETE /v1/audit/projections/{name}/previous'), 'query')).toEqual([expect.objectContaining({ name: 'keep', required: false })]);
  });

  it.each([
    ['GET /v1/signals', ['municipality', 'source', 'status', 'receivedFrom', 'receivedTo', 'limit', 'cursor']],
    ['GET /v1/cases', ['municipality', 'model', 'state', 'status', 'openedFrom', 'openedTo', 'limit', 'cursor']],
    ['GET /v1/tables/{table}/referrals', ['municipality', 'status', 'limit', 'cursor']],
    ['GET /v1/liaison/escalations', ['municipality', 'status', 'caseId', 'limit', 'cursor']],
    ['GET /v1/audit/processing-log', ['subject', 'actor', 'from', 'to', 'limit', 'cursor']],
    ['GET /v1/statistics/cases', ['municipality', 'from', 'to']],
  ])('%s documents its filters and paging', (key, names) => {
    expect(parametersIn(byKey(key), 'query').map((p) => p.name).sort()).toEqual([...names].sort());
  });

  it('marks a required query parameter as required and the others as optional', () => {
    const statistics = parametersIn(byKey('GET /v1/statistics/cases'), 'query');
    expect(Object.fromEntries(statistics.map((p) => [p.name, p.required]))).toEqual({ municipality: true, from: false, to: false });
    expect(parametersIn(byKey('GET /v1/cases'), 'query').every((p) => p.required === false)).toBe(true);
  });

  it('documents each header once per operation, as optional', () => {
    const twice = operations.filter((o) => {
      const names = parametersIn(o, 'header').map((p) => p.name.toLowerCase());
      return new Set(names).size !== names.length;
    });
    expect(twice.map((o) => o.key)).toEqual([]);
    const required = operations.flatMap((o) => parametersIn(o, 'header').filter((p) => p.required !== false).map((p) => `${o.key} ${p.name}`));
    expect(required).toEqual([]);
  });

  it('documents Idempotency-Key and Last-Event-ID as optional, under their own names, with what they do', () => {
    const idempotent = operations.filter((o) => parametersIn(o, 'header').some((p) => p.name.toLowerCase() === 'idempotency-key'));
    expect(idempotent.map((o) => o.key)).toEqual(expect.arrayContaining(['POST /v1/cases', 'POST /v1/signals/mma', 'POST /v1/subjects', 'POST /v1/legal-holds', 'POST /v1/cases/{id}/transitions']));
    for (const operation of idempotent) expect(parametersIn(operation, 'header')).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', required: false }));
    expect(parametersIn(byKey('GET /v1/liaison/escalations/stream'), 'header')).toEqual([
      expect.objectContaining({ name: 'Last-Event-ID', required: false, description: expect.stringContaining('Resume after this event') }),
    ]);
    expect(parametersIn(byKey('POST /v1/cases'), 'header')).toEqual([expect.objectContaining({ name: 'Idempotency-Key', required: false, description: expect.stringContaining('IDEMPOTENCY.KEY_REUSED') })]);
  });
});
