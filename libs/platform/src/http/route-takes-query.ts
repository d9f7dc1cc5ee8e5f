import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { routeReadsArgument } from './route-arguments.js';

/**
 * Whether a controller method reads its query (`@Query()`), from the parameter metadata Nest routes by (also
 * through a decorator that wraps the method: see `routeReadsArgument`).
 */
export function routeTakesQuery(controller: Function, handler: Function): boolean {
  return routeReadsArgument(controller, handler, RouteParamtypes.QUERY);
}
