import type { Principal } from '../principal.js';

/** The part of an HTTP request (Fastify or Express) the guard reads and writes. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  /** Set by `AuthGuard` after a token was verified; absent on `@Public()` routes. */
  principal?: Principal;
}
