import { normalizeBsn } from '../shared/bsn.validator.js';
import { isCalendarDate } from '../calendar/calendar-date.js';
import { houseNumberOf, normalizeAddress } from './address.normalizer.js';
import { normalizeKvkNumber } from './kvk-number.normalizer.js';
import { normalizeName } from './name.normalizer.js';
import { normalizePostcode } from './postcode.normalizer.js';
import type { SubjectKind } from './subject-kind.js';

/**
 * What identifies a subject, as registered or as hinted by a signal (the zorgmelding's person, the
 * intern-meldpunt's involved party, the MMA tip's location). Every field is optional and taken as given;
 * matching normalises it first.
 */
export interface SubjectIdentity {
  /** Absent for a hint that does not say what it is about (it may then match any kind). */
  kind?: SubjectKind | string;
  name?: string;
  /** Calendar date `YYYY-MM-DD`. */
  birthDate?: string;
  bsn?: string;
  address?: string;
  postcode?: string;
  kvkNumber?: string;
  groupName?: string;
}

/** The comparable form of a {@link SubjectIdentity}: normalised values, absent or unusable ones null. */
export interface IdentityKeys {
  kind: string | null;
  name: string | null;
  birthDate: string | null;
  bsn: string | null;
  address: string | null;
  houseNumber: string | null;
  postcode: string | null;
  kvkNumber: string | null;
}

/**
 * Normalises an identity for matching. A value that cannot be used (a BSN that fails the 11-proef, a
 * postcode that is not Dutch, a name with no letters) becomes null, so it neither matches nor vetoes.
 */
export function identityKeys(identity: SubjectIdentity): IdentityKeys {
  const text = (v: unknown): string | null => (typeof v === 'string' && v.trim().length > 0 ? v : null);
  const name = text(identity.name) === null ? null : normalizeName(identity.name!) || null;
  const address = text(identity.address) === null ? null : normalizeAddress(identity.address!) || null;
  return {
    kind: text(identity.kind),
    name,
    birthDate: isCalendarDate(identity.birthDate) ? identity.birthDate : null,
    bsn: normalizeBsn(identity.bsn),
    address,
    houseNumber: address === null ? null : houseNumberOf(address),
    postcode: text(identity.postcode) === null ? null : normalizePostcode(identity.postcode!),
    kvkNumber: text(identity.kvkNumber) === null ? null : normalizeKvkNumber(identity.kvkNumber!),
  };
}
