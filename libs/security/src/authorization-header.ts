import { AuthenticationError } from './security.errors.js';

/**
 * The one `Authorization` header of a request, read as sent (`headerAsSent`): a list when it was sent more than once.
 * @returns the header's value, undefined when none was sent
 * @throws AuthenticationError `AUTH.HEADER_REPEATED` when it was sent more than once, whichever values it holds and even
 * when they are equal: which of two credentials speaks for the caller is not for the API to choose
 */
export function singleAuthorizationHeader(header: string | string[] | undefined): string | undefined {
  if (Array.isArray(header)) throw new AuthenticationError('AUTH.HEADER_REPEATED', 'Send one Authorization header', 'multiple-headers');
  return header;
}
