import type { Principal } from '../principal.js';

/** The part of an HTTP request (Fastify or Express) the guard reads and writes. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  /** The underlying Node request: `headersDistinct` keeps a header sent twice as two values (`headers` joins them). */
  raw?: { headersDistinct?: Record<string, string[] | undefined> };
  method?: string;
  /** Fastify's matched route (`url` is the pattern, e.g. `/v1/cases/:id`). */
  routeOptions?: { url?: string };
  /** Set by `AuthGuard` after a token was verified; absent on `@Public()` routes. */
  principal?: Principal;
}
