import { createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '../principal.js';
import { AuthenticationError } from '../security.errors.js';
import type { AuthenticatedRequest } from './authenticated-request.js';

/**
 * Injects the verified `Principal`. Throws `AUTH.TOKEN_MISSING` when there is none (e.g. on a
 * `@Public()` route), so handlers never see an undefined principal.
 */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) {
    throw new AuthenticationError('AUTH.TOKEN_MISSING', 'A bearer token is required', 'no-principal');
  }
  return principal;
});
