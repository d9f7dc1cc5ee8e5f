import type { SubjectKind } from './subject-kind.js';

/** Event type of a subject entering the registry (stream `subject-<id>`). */
export const SUBJECT_REGISTERED_EVENT_TYPE = 'SubjectRegistered';
/** Payload schema version of {@link SUBJECT_REGISTERED_EVENT_TYPE}. */
export const SUBJECT_REGISTERED_EVENT_VERSION = 1;

/**
 * A person, address, business or youth group that signals can be linked to. Subjects belong to one
 * municipality. Values are stored as the coordinator entered them, except `bsn` (9 digits), `postcode`
 * (`7511AA`) and `kvkNumber` (8 digits), which are stored normalised; absent fields are left out.
 */
export interface SubjectRegisteredPayload {
  subjectId: string;
  kind: SubjectKind;
  municipality: string;
  name?: string;
  /** Persons only; `YYYY-MM-DD`. */
  birthDate?: string;
  /** Persons only; passed the 11-proef. */
  bsn?: string;
  address?: string;
  postcode?: string;
  /** Businesses only. */
  kvkNumber?: string;
  /** Youth groups only: the name the group is known by. */
  groupName?: string;
}
