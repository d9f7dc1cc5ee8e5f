import type { FastifyInstance } from 'fastify';
import { DomainError } from '#domain';
import { AllowedMethods } from './allowed-methods.js';

/**
 * A request whose path a route has, but with another method (DELETE /v1/cases/{id}), is answered 405
 * `HTTP.METHOD_NOT_ALLOWED` with `Allow` naming the methods the path takes (HEAD with every GET), instead of the 404
 * of a path that does not exist. Fastify's router knows only that no route matched: the routes are collected as
 * they are registered (call this before any is), and a request on its way to the not-found handler is checked
 * against them. The refusal goes through the problem filter like any other; a path no route has stays 404.
 */
export function answerMethodNotAllowed(fastify: FastifyInstance): void {
  const routes = new AllowedMethods();
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  fastify.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const allowed = routes.of(request.url.split('?')[0]!);
    if (allowed.length === 0) return;
    void reply.header('allow', allowed.join(', '));
    throw new DomainError('HTTP.METHOD_NOT_ALLOWED', 'This path does not take this method; Allow lists those it takes', { allow: allowed });
  });
}
