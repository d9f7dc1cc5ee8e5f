import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import { DomainError } from '#domain';
import { answerMethodNotAllowed, httpStatusForCode, MAX_PATH_PARAMETER_LENGTH } from '#platform';

/**
 * Which methods a path takes, as `Allow` of a 405 names them, is what Fastify's router would route: every route
 * whose pattern the path matches, percent-decoded, a parameter being one segment (an empty one too), `*` the rest of
 * the path, a trailing or doubled slash a segment of its own. Checked against Fastify itself, on a bare instance with
 * the product's router options; the walk over the product's operations is
 * test/conventions/a-method-a-path-does-not-take-is-405-with-allow.spec.ts.
 */

let fastify: FastifyInstance;
let base: string;

beforeAll(async () => {
  fastify = Fastify({ logger: false, routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH } });
  answerMethodNotAllowed(fastify);
  fastify.setErrorHandler((error, _request, reply) => {
    const code = error instanceof DomainError ? error.code : 'INTERNAL.ERROR';
    void reply.status(error instanceof DomainError ? httpStatusForCode(code) : 500).send({ code });
  });
  fastify.get('/things/:id', async () => ({ route: 'GET /things/:id' }));
  fastify.post('/things', async () => ({ route: 'POST /things' }));
  fastify.post('/things/special', async () => ({ route: 'POST /things/special' }));
  fastify.delete('/things/:id/parts', async () => ({ route: 'DELETE /things/:id/parts' }));
  fastify.get('/files/*', async () => ({ route: 'GET /files/*' }));
  base = await fastify.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await fastify?.close();
});

async function call(method: string, path: string) {
  const response = await fetch(`${base}${path}`, { method });
  const text = await response.text();
  return { status: response.status, allow: response.headers.get('allow'), body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

describe('a path allows the methods of every route it matches', () => {
  it.each([
    ['PUT', '/things/1', 'GET, HEAD'],
    ['PUT', '/things/special', 'GET, HEAD, POST'],
    ['GET', '/things', 'POST'],
    ['GET', '/things/1/parts', 'DELETE'],
    ['POST', '/files/a/b.txt', 'GET, HEAD'],
    ['DELETE', '/things/1?x=1', 'GET, HEAD'],
    ['PUT', '/th%69ngs/special', 'GET, HEAD, POST'],
    ['PUT', '/things/', 'GET, HEAD'],
    ['GET', '/things//parts', 'DELETE'],
    ['POST', '/files/', 'GET, HEAD'],
  ])('%s %s: 405 HTTP.METHOD_NOT_ALLOWED, Allow: %s', async (method, path, allow) => {
    expect(await call(method, path)).toEqual({ status: 405, allow, body: { code: 'HTTP.METHOD_NOT_ALLOWED' } });
  });

  it.each([
    ['GET', '/nothing'],
    ['PUT', '/things//'],
    ['POST', '/files'],
    ['DELETE', '/things/1/parts/more'],
    ['PUT', '/Things/1'],
  ])('%s %s matches no route: the not-found handler answers, without Allow', async (method, path) => {
    expect(await call(method, path)).toMatchObject({ status: 404, allow: null });
  });

  it('a method a route takes reaches it, an empty parameter included', async () => {
    expect((await call('GET', '/things/special')).body).toEqual({ route: 'GET /things/:id' });
    expect((await call('GET', '/things/')).body).toEqual({ route: 'GET /things/:id' });
    expect((await call('DELETE', '/things//parts')).body).toEqual({ route: 'DELETE /things/:id/parts' });
    expect((await call('HEAD', '/things/1')).status).toBe(200);
  });
});
