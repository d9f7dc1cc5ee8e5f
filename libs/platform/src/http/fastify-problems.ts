import { httpStatusForCode } from './error-status.js';

/** The product's answer to one of Fastify's own errors: a stable code and a title that repeats nothing of the request. */
export interface FastifyProblem {
  status: number;
  code: string;
  title: string;
}

/** Fastify's default route parameter limit, set explicitly so the title below stays true. */
export const MAX_PATH_PARAMETER_LENGTH = 100;

const entry = (code: string, title: string): FastifyProblem => ({ status: httpStatusForCode(code), code, title });

/**
 * Fastify's error codes the product answers with its own. Fastify's messages repeat the URL or the body they
 * refused (personal data may be in either), so only the code crosses over.
 */
const FASTIFY_CODES: Record<string, FastifyProblem> = {
  FST_ERR_CTP_BODY_TOO_LARGE: entry('HTTP.PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MiB'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: entry('HTTP.UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json'),
  FST_ERR_CTP_EMPTY_JSON_BODY: entry('HTTP.MALFORMED_JSON', 'The JSON body is empty'),
  FST_ERR_CTP_INVALID_JSON_BODY: entry('HTTP.MALFORMED_JSON', 'The body is not valid JSON'),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: entry('HTTP.MALFORMED_JSON', 'Content-Length does not match the body'),
  // The router refuses these two before any hook or route runs (see framework-errors.ts).
  FST_ERR_BAD_URL: entry('HTTP.BAD_URL', 'The URL is not valid: a path segment is not percent-encoded UTF-8'),
  FST_ERR_MAX_PARAM_LENGTH: entry('HTTP.PATH_PARAMETER_TOO_LONG', `A path parameter is longer than ${MAX_PATH_PARAMETER_LENGTH} characters`),
};

export function fastifyProblem(code: unknown): FastifyProblem | undefined {
  return typeof code === 'string' && Object.hasOwn(FASTIFY_CODES, code) ? FASTIFY_CODES[code] : undefined;
}
