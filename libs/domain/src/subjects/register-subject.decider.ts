import { amsterdamDateOf, isCalendarDate } from '../calendar/calendar-date.js';
import { isValidBsn, normalizeBsn } from '../shared/bsn.validator.js';
import { DomainError } from '../shared/domain-error.js';
import { isMunicipalityCode } from '../shared/municipality-code.validator.js';
import { isBlankText } from '../shared/visible-text.js';
import { normalizeKvkNumber } from './kvk-number.normalizer.js';
import { normalizePostcode } from './postcode.normalizer.js';
import { SUBJECT_ERRORS } from './subject-error-codes.js';
import { isSubjectKind, type SubjectKind } from './subject-kind.js';
import type { SubjectRegisteredPayload } from './subject-registered.event.js';

/** A coordinator's request to register a subject, as received (fields unchecked). */
export interface RegisterSubjectInput {
  kind: unknown;
  municipality: unknown;
  name?: unknown;
  birthDate?: unknown;
  bsn?: unknown;
  address?: unknown;
  postcode?: unknown;
  kvkNumber?: unknown;
  groupName?: unknown;
}

/** Clock and id, passed in so the decider stays pure. */
export interface RegisterSubjectContext {
  now: Date;
  newSubjectId: string;
}

/** Fields only some kinds may carry (data minimisation: no BSN for a business, no KvK number for a person). */
const ONLY_FOR: Partial<Record<keyof RegisterSubjectInput, SubjectKind>> = {
  birthDate: 'person',
  bsn: 'person',
  kvkNumber: 'business',
  groupName: 'youth-group',
};

const EARLIEST_BIRTH_DATE = '1900-01-01';

/**
 * Decides the registration of one subject: returns the `SubjectRegistered` payload or throws a
 * {@link DomainError} (`SUBJECT_ERRORS`). Rules:
 *  - `kind` is person | address | business | youth-group, `municipality` a CBS code (`SUBJECT.FIELD_INVALID`);
 *  - what identifies it is there: a person needs `name`, an address `address`, a business `name` or
 *    `kvkNumber`, a youth group `groupName` (`SUBJECT.FIELD_INVALID`);
 *  - `birthDate` and `bsn` only for persons, `kvkNumber` only for businesses, `groupName` only for youth
 *    groups (`SUBJECT.FIELD_NOT_FOR_KIND`);
 *  - `bsn` passes the 11-proef (`SUBJECT.BSN_INVALID`), stored as 9 digits; `birthDate` is a real date from
 *    1900 up to today in Amsterdam, `postcode` a Dutch postcode, `kvkNumber` 8 digits (`SUBJECT.FIELD_INVALID`).
 * Error details name the field, never its value.
 */
export function decideRegisterSubject(input: RegisterSubjectInput, context: RegisterSubjectContext): SubjectRegisteredPayload {
  if (!context.newSubjectId) throw new RangeError('context.newSubjectId is required');
  if (!isSubjectKind(input.kind)) invalid('kind', 'unknown-value');
  const kind = input.kind;
  if (!isMunicipalityCode(input.municipality)) invalid('municipality', 'not-a-cbs-code');
  for (const [field, only] of Object.entries(ONLY_FOR) as [keyof RegisterSubjectInput, SubjectKind][]) {
    if (input[field] !== undefined && input[field] !== null && kind !== only) {
      throw new DomainError(SUBJECT_ERRORS.FIELD_NOT_FOR_KIND, `${field} is only recorded for a ${only}`, { field, kind });
    }
  }
  const name = optionalText('name', input.name, 200);
  const address = optionalText('address', input.address, 200);
  const groupName = optionalText('groupName', input.groupName, 200);
  const postcodeText = optionalText('postcode', input.postcode, 10);
  const kvkText = optionalText('kvkNumber', input.kvkNumber, 20);
  const postcode = postcodeText === undefined ? undefined : (normalizePostcode(postcodeText) ?? invalid('postcode', 'not-a-dutch-postcode'));
  const kvkNumber = kvkText === undefined ? undefined : (normalizeKvkNumber(kvkText) ?? invalid('kvkNumber', 'not-8-digits'));
  const birthDate = readBirthDate(input.birthDate, context.now);
  let bsn: string | undefined;
  if (input.bsn !== undefined && input.bsn !== null) {
    if (!isValidBsn(input.bsn)) throw new DomainError(SUBJECT_ERRORS.BSN_INVALID, 'bsn is not a valid BSN (11-proef)', { field: 'bsn' });
    bsn = normalizeBsn(input.bsn)!;
  }

  switch (kind) {
    case 'person':
      if (name === undefined) invalid('name', 'required');
      break;
    case 'address':
      if (address === undefined) invalid('address', 'required');
      break;
    case 'business':
      if (name === undefined && kvkNumber === undefined) invalid('name', 'name-or-kvkNumber-required');
      break;
    case 'youth-group':
      if (groupName === undefined) invalid('groupName', 'required');
      break;
    default: {
      const unknownKind: never = kind;
      void unknownKind;
    }
  }
  return compact({
    subjectId: context.newSubjectId,
    kind,
    municipality: input.municipality,
    name,
    birthDate,
    bsn,
    address,
    postcode,
    kvkNumber,
    groupName,
  }) as SubjectRegisteredPayload;
}

function invalid(field: string, reason: string): never {
  throw new DomainError(SUBJECT_ERRORS.FIELD_INVALID, `${field} is missing or invalid (${reason})`, { field, reason });
}

function optionalText(field: string, value: unknown, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalid(field, 'not-a-string');
  const trimmed = value.trim();
  if (isBlankText(trimmed)) invalid(field, 'blank');
  if (trimmed.length > max) invalid(field, 'too-long');
  return trimmed;
}

function readBirthDate(value: unknown, now: Date): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isCalendarDate(value)) invalid('birthDate', 'not-a-date');
  // A birth date is a Dutch calendar date: someone born today (Amsterdam) is not in the future.
  if (value > amsterdamDateOf(now)) invalid('birthDate', 'in-the-future');
  if (value < EARLIEST_BIRTH_DATE) invalid('birthDate', 'before-1900');
  return value;
}

function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
