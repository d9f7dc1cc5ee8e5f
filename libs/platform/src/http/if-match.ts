import { DomainError } from '#domain';

const STRONG_ETAG = /^"(\d{1,9})"$/;

/** The ETag of a version of something the API gives out with one (a case, an escalation). */
export const versionEtag = (version: number): string => `"${version}"`;

/**
 * `If-Match` on a write that may name the version it is based on. With it, the write only happens on exactly
 * that version (stale → 409 with `currentVersion`); without it (or with `*`) the write is decided on the current
 * version. Anything but one strong ETag as given out (`"<version>"`) is 400 `VALIDATION.IF_MATCH_INVALID`, an empty
 * header too: it was taken for an absent one, so a client that sent the ETag it had not got (an empty variable)
 * overwrote whatever version was current.
 */
export function parseIfMatch(header: string | string[] | undefined, what: string): number | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value === undefined || value.trim() === '*') return undefined;
  if (value.trim() === '') throw new DomainError('VALIDATION.IF_MATCH_INVALID', `If-Match is empty: send the ETag of the ${what} as given out ("<version>"), or no If-Match`);
  const match = STRONG_ETAG.exec(value.trim());
  if (!match) throw new DomainError('VALIDATION.IF_MATCH_INVALID', `If-Match must be the ETag of the ${what} as given out: "<version>"`);
  return Number(match[1]);
}
