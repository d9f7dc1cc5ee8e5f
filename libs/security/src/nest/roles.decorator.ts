import { SetMetadata } from '@nestjs/common';
import { ROLES } from '#contracts';
import type { Role } from '#contracts';

export const ROLES_KEY = 'signaalroute:security:roles';

/**
 * Restricts a route (or controller) to these roles; the method's list overrides the controller's.
 * The guard answers 403 `AUTH.ROLE_NOT_ALLOWED` otherwise. `@Roles()` with no roles allows nobody.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => {
  const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
  if (unknown.length > 0) {
    // A typo here would silently lock a route; fail at startup instead.
    throw new Error(`@Roles: unknown role(s) ${unknown.join(', ')}`);
  }
  return SetMetadata(ROLES_KEY, Object.freeze([...roles]));
};
