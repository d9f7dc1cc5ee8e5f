/**
 * Maps stable business error codes to HTTP statuses. Only the HTTP edge knows about statuses; the domain
 * only knows codes. Exact codes first, then rules by suffix and prefix.
 */
const EXACT: Record<string, number> = {
  'EVENTSTORE.VERSION_CONFLICT': 409,
  'IDEMPOTENCY.KEY_REUSED': 422,
  'IDEMPOTENCY.IN_PROGRESS': 409,
  'CASE.TRANSITION_NOT_ALLOWED': 422,
  'HTTP.PAYLOAD_TOO_LARGE': 413,
  'HTTP.UNSUPPORTED_MEDIA_TYPE': 415,
  'HTTP.MALFORMED_JSON': 400,
  'HTTP.NOT_FOUND': 404,
  'HTTP.METHOD_NOT_ALLOWED': 405,
  'PRECONDITION.FAILED': 412,
  'PRECONDITION.REQUIRED': 428,
};

export function httpStatusForCode(code: string): number {
  if (EXACT[code]) return EXACT[code]!;
  if (code.endsWith('.NOT_FOUND')) return 404;
  if (code.endsWith('.CONFLICT')) return 409;
  if (code.endsWith('.NOT_ALLOWED') && code.startsWith('AUTH.')) return 403;
  if (code.startsWith('VALIDATION.') || code.startsWith('SIGNAL.')) return 400;
  return 422;
}
