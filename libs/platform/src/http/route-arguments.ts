import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';

/**
 * Whether a controller method reads an argument of `type` (`@Query()`, `@Body()`, ...), from the parameter metadata
 * Nest routes by. The method is found by identity on the prototype chain, not by `handler.name`: a decorator that
 * wraps a method changes its name, and the route would then refuse what it reads.
 */
export function routeReadsArgument(controller: Function, handler: Function, type: RouteParamtypes): boolean {
  const known = READS.get(handler)?.get(type);
  if (known !== undefined) return known;
  const reads = readsArgument(controller, handler, type);
  READS.set(handler, (READS.get(handler) ?? new Map<RouteParamtypes, boolean>()).set(type, reads));
  return reads;
}

/** What `routeReadsArgument` found per handler (metadata is fixed once the app is built; the global interceptors ask per request). */
const READS = new WeakMap<Function, Map<RouteParamtypes, boolean>>();

function readsArgument(controller: Function, handler: Function, type: RouteParamtypes): boolean {
  const name = methodNameOf(controller, handler);
  if (name === undefined) return false;
  const args = Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) as Record<string, unknown> | undefined;
  return Object.keys(args ?? {}).some((key) => key.startsWith(`${type}:`));
}

function methodNameOf(controller: Function, handler: Function): string | undefined {
  for (let proto: object | null = controller.prototype as object; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const name = Object.getOwnPropertyNames(proto).find((key) => key !== 'constructor' && Object.getOwnPropertyDescriptor(proto, key)?.value === handler);
    if (name !== undefined) return name;
  }
  return undefined;
}
