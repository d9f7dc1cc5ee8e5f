import type { AuthenticatedRequest } from './authenticated-request.js';

/**
 * A header as the client sent it. Node keeps the first of two `Authorization` headers and joins two of most other
 * headers into one value, so a header sent twice would be read as one it never was; here it is the list of the
 * values sent (a header that must be sent once is refused when it is a list), and otherwise the one value.
 * @param name the header's name in lower case
 */
export function headerAsSent(request: Pick<AuthenticatedRequest, 'headers' | 'raw'>, name: string): string | string[] | undefined {
  const values = request.raw?.headersDistinct?.[name];
  return values !== undefined && values.length > 1 ? values : request.headers[name];
}
