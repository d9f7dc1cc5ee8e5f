import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Role } from '#contracts';
import { requireRole } from '../access.js';
import { BREAK_GLASS_MUNICIPALITY_HEADER, BREAK_GLASS_REASON_HEADER, breakGlassOf, withBreakGlass } from '../break-glass.js';
import { JwtVerifier } from '../jwt.verifier.js';
import { AuthenticationError } from '../security.errors.js';
import type { AuthenticatedRequest } from './authenticated-request.js';
import { headerAsSent } from './header-as-sent.js';
import { IS_PUBLIC_KEY } from './public.decorator.js';
import { ROLES_KEY } from './roles.decorator.js';

/**
 * Global guard: every route needs a valid bearer token unless marked `@Public()`; `@Roles(...)` is
 * enforced here. The verified principal is attached as `request.principal`; a request that breaks the glass
 * (`break-glass.ts`) gets it widened by the one municipality it enters, or is refused with `BreakGlassError`.
 * Errors are thrown as `AuthenticationError` (401) / `ForbiddenError` (403) / `BreakGlassError` (400/403)
 * for the global exception filter to render.
 * Non-HTTP contexts are denied unless `@Public()`: there is no bearer token to check there.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: JwtVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets) === true) {
      return true;
    }
    if (context.getType() !== 'http') {
      throw new AuthenticationError('AUTH.TOKEN_MISSING', 'A bearer token is required', 'non-http');
    }

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // These headers must be sent once, so they are read as sent: a header sent twice is a list, which is refused.
    const asSent = (name: string) => headerAsSent(request, name);
    const principal = await this.verifier.verifyAuthorizationHeader(asSent('authorization'));
    request.principal = principal;

    const roles = this.reflector.getAllAndOverride<readonly Role[] | undefined>(ROLES_KEY, targets);
    if (roles !== undefined) {
      requireRole(principal, roles);
    }
    const headers = { ...request.headers, [BREAK_GLASS_REASON_HEADER]: asSent(BREAK_GLASS_REASON_HEADER), [BREAK_GLASS_MUNICIPALITY_HEADER]: asSent(BREAK_GLASS_MUNICIPALITY_HEADER) };
    const breakGlass = breakGlassOf(principal, { method: request.method ?? '', route: request.routeOptions?.url, headers });
    if (breakGlass) request.principal = withBreakGlass(principal, breakGlass);
    return true;
  }
}
