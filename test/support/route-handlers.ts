import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';

export interface RouteHandler {
  controller: Function;
  handler: Function;
}

/** Every controller method of a running app, keyed `METHOD /path/{param}` as in the OpenAPI document. */
export function routeHandlers(app: INestApplication): Map<string, RouteHandler> {
  const found = new Map<string, RouteHandler>();
  const join = (...parts: (string | string[] | undefined)[]) =>
    '/' + parts.flatMap((p) => (Array.isArray(p) ? p[0] : p) ?? '').map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p.length > 0).join('/');
  for (const module of app.get(ModulesContainer).values()) {
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
        found.set(`${RequestMethod[method]} ${join(base, path).replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`, { controller, handler: handler as Function });
      }
    }
  }
  return found;
}
