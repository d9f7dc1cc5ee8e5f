import { randomUUID } from 'node:crypto';
import type { Role } from '#contracts';
import { IS_PUBLIC_KEY, ROLES_KEY } from '#security';
import type { AppHarness } from './app-harness.js';
import { routeHandlers, type RouteHandler } from './route-handlers.js';

/** One operation of `/openapi.json` with the Nest handler that serves it. */
export interface OpenApiOperation extends RouteHandler {
  /** `POST /v1/cases/{id}/transitions`, as the OpenAPI document names it. */
  key: string;
  method: string;
  path: string;
  /** The operation as the document describes it. */
  doc: { parameters?: { in: string; name: string; required?: boolean; description?: string }[] };
  /** A role the route lets in (its first); null on a public route. */
  role: Role | null;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of the running app's OpenAPI document, each with its handler; one the app does not serve is an error. */
export async function openApiOperations(h: AppHarness): Promise<{ document: any; operations: OpenApiOperation[] }> {
  const res = await h.request('GET', '/openapi.json');
  if (res.status !== 200) throw new Error(`GET /openapi.json: ${res.status}`);
  const handlers = routeHandlers(h.running.app);
  const operations = Object.entries(res.body.paths as Record<string, Record<string, OpenApiOperation['doc']>>).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, doc]) => {
        const key = `${method.toUpperCase()} ${path}`;
        const found = handlers.get(key);
        if (!found) throw new Error(`no Nest handler for ${key}`);
        const targets = [found.handler, found.controller];
        const isPublic = targets.some((t) => Reflect.getMetadata(IS_PUBLIC_KEY, t) === true);
        const roles = targets.map((t) => Reflect.getMetadata(ROLES_KEY, t) as readonly Role[] | undefined).find((r) => r !== undefined);
        return { ...found, key, method: method.toUpperCase(), path, doc, role: isPublic ? null : (roles?.[0] ?? 'coordinator') };
      }),
  );
  return { document: res.body, operations };
}

/** The operation's path with a fresh UUID for each path parameter. */
export const concretePath = (path: string): string => path.replace(/\{[^}]+\}/g, () => randomUUID());
