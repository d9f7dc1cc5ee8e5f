import { DomainError, parseIsoInstant } from '#domain';
import { isUuid } from './canonical-uuid.js';

/**
 * Opaque cursor for keyset pagination on (timestamp, uuid) — newest first lists. Clients pass back what they
 * were given; anything else is `VALIDATION.CURSOR_INVALID`.
 */
export function encodeKeysetCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

export function decodeKeysetCursor(cursor: string): [at: string, id: string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    // Strictly an instant PostgreSQL takes (Date.parse also takes '2026-02-30' and '1'), and a uuid.
    if (Array.isArray(v) && v.length === 2 && parseIsoInstant(v[0]) !== null && isUuid(v[1])) return [String(v[0]), String(v[1])];
  } catch {
    // fall through
  }
  throw new DomainError('VALIDATION.CURSOR_INVALID', 'The cursor is not one this API gave out');
}
