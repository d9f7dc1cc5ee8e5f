import { DECORATORS } from '@nestjs/swagger';
import { DomainError } from '#domain';

/** The header, as `@ApiHeader` names it on the routes that honour it (compared case-insensitively, as HTTP does). */
const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** Methods HTTP does not make idempotent: only there does a client send the key to make a retry safe. */
const NON_IDEMPOTENT_METHODS: readonly string[] = ['POST', 'PATCH'];

interface DocumentedParameter {
  in?: unknown;
  name?: unknown;
}

/**
 * Whether a route honours `Idempotency-Key`: read from its OpenAPI documentation (`@ApiHeader` on the method or
 * its controller), so the document and the refusal below cannot drift apart. A route that honours the key says so
 * in `/openapi.json`; one that does not refuses it.
 */
export function routeTakesIdempotencyKey(controller: Function, handler: Function): boolean {
  const documented = [
    ...((Reflect.getMetadata(DECORATORS.API_PARAMETERS, handler) as DocumentedParameter[] | undefined) ?? []),
    ...((Reflect.getMetadata(DECORATORS.API_HEADERS, controller) as DocumentedParameter[] | undefined) ?? []),
  ];
  return documented.some((p) => p.in === 'header' && typeof p.name === 'string' && p.name.toLowerCase() === IDEMPOTENCY_KEY_HEADER);
}

/**
 * The refusal (400 `IDEMPOTENCY.KEY_NOT_SUPPORTED`) of the request's `Idempotency-Key` by a route that does not
 * honour one, or null when the request sends none or its method is one HTTP makes idempotent (GET, HEAD, PUT,
 * DELETE, ...). Ignored, the key promised the client a safe retry the route does not give: sent again, the request
 * is carried out again (a second acknowledgement, a second run).
 */
export function idempotencyKeyNotSupported(method: string, headers: Record<string, unknown>): DomainError | null {
  if (!NON_IDEMPOTENT_METHODS.includes(method) || headers[IDEMPOTENCY_KEY_HEADER] === undefined) return null;
  return new DomainError('IDEMPOTENCY.KEY_NOT_SUPPORTED', 'This route does not take an Idempotency-Key: a request sent again is carried out again; send it without the header');
}
