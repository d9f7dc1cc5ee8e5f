import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { EventEnvelope } from '#contracts';

/** The envelope fields the hash covers: everything except the hash itself. */
export type HashedEnvelope = Omit<EventEnvelope, 'hash' | 'position'>;

/**
 * sha256 over the RFC 8785 canonical JSON of the envelope (which includes `prevHash`), so each event
 * seals its predecessor in the stream. `position` is left out: it is assigned by the database at insert.
 */
export function eventHash(envelope: HashedEnvelope): string {
  const canonical = (canonicalize as unknown as (value: unknown) => string | undefined)(envelope);
  if (canonical === undefined) throw new Error('envelope cannot be canonicalised');
  return createHash('sha256').update(canonical).digest('hex');
}
