/**
 * Maps stable business error codes to HTTP statuses. Only the HTTP edge knows about statuses; the domain
 * only knows codes. Exact codes first, then rules by suffix and prefix.
 */
const EXACT: Record<string, number> = {
  'EVENTSTORE.VERSION_CONFLICT': 409,
  'IDEMPOTENCY.KEY_REUSED': 422,
  'IDEMPOTENCY.IN_PROGRESS': 409,
  'CASE.TRANSITION_NOT_ALLOWED': 422,
  'CASE.TRANSITION_UNKNOWN': 422,
  'CASE.NOT_FOUND': 404,
  'CASE.ALREADY_EXISTS': 409,
  'CASE.CLOSED': 422,
  'CASE.ROLE_NOT_ALLOWED': 403,
  'CASE.REASON_REQUIRED': 400,
  'CASE.REASON_CATEGORY_INVALID': 400,
  'CASE.FIELD_REQUIRED': 400,
  'CASE.FIELD_UNKNOWN': 400,
  'CASE.FIELD_INVALID': 400,
  'CASE.REFERRAL_NOT_ALLOWED': 422,
  'CASE.MODEL_MAPPING_INVALID': 422,
  'CASE.MODEL_UNKNOWN': 500,
  'CASE.SIGNAL_UNKNOWN': 422,
  'CASE.SIGNALS_MUNICIPALITY_MIXED': 422,
  'CASE.SUBJECT_UNKNOWN': 422,
  'SIGNAL.ALREADY_DISMISSED': 409,
  'SIGNAL.IN_CASE': 409,
  'SUBJECT.BSN_CONFLICT': 409,
  'AUTH.TABLE_NOT_ALLOWED': 403,
  'REFERRAL.ALREADY_DECIDED': 409,
  'MODEL.NOT_FOUND': 404,
  'MODEL.INVALID': 422,
  'MODEL.VERSION_CONFLICT': 409,
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
