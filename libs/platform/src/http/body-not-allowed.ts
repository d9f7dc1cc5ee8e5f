import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { DomainError } from '#domain';
import { routeReadsArgument } from './route-arguments.js';

/** Whether a controller method reads a body (`@Body()`); a route that does not takes none. */
export function routeTakesBody(controller: Function, handler: Function): boolean {
  return routeReadsArgument(controller, handler, RouteParamtypes.BODY);
}

/**
 * The refusal (400 `VALIDATION.BODY_NOT_ALLOWED`) of a request's body by a route that takes none, or null. No body
 * and the empty JSON object `{}` (what many clients send with every POST) are accepted; anything else would be ignored,
 * and the caller would believe the route had read it (a reason sent with an acknowledgement, a filter sent with a
 * retention run). Never repeats the body: it may hold personal data.
 */
export function bodyNotAllowed(body: unknown): DomainError | null {
  if (body === undefined || isEmptyObject(body)) return null;
  return new DomainError('VALIDATION.BODY_NOT_ALLOWED', 'This route takes no body; send none or {}');
}

function isEmptyObject(body: unknown): boolean {
  return body !== null && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0;
}
