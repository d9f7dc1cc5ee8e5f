import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC_KEY = 'signaalroute:security:public';

/** Marks a route (or controller) as reachable without a token, e.g. health and docs. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);
