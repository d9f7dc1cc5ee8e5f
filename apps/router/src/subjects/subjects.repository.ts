import { Inject, Injectable } from '@nestjs/common';
import { identityKeys, type RegisteredSubject, type SubjectIdentity, type SubjectKind, type SubjectRegisteredPayload } from '#domain';
import type { Database } from '#eventstore';
import { DATABASE } from '#platform';
import { isUuid } from '../signals/signal-stream.js';

/** A registered subject as the API shows it (absent values are null). */
export interface Subject {
  subjectId: string;
  kind: SubjectKind;
  municipality: string;
  name: string | null;
  birthDate: string | null;
  bsn: string | null;
  address: string | null;
  postcode: string | null;
  kvkNumber: string | null;
  groupName: string | null;
  registeredAt: string;
}

interface Row {
  subject_id: string;
  municipality: string;
  kind: SubjectKind;
  name: string | null;
  birth_date: string | null;
  bsn: string | null;
  address: string | null;
  postcode: string | null;
  kvk_number: string | null;
  group_name: string | null;
  registered_at: Date | string;
}

const COLUMNS = 'subject_id, municipality, kind, name, birth_date, bsn, address, postcode, kvk_number, group_name, registered_at';

const toSubject = (r: Row): Subject => ({
  subjectId: r.subject_id,
  kind: r.kind,
  municipality: r.municipality,
  name: r.name,
  birthDate: r.birth_date,
  bsn: r.bsn,
  address: r.address,
  postcode: r.postcode,
  kvkNumber: r.kvk_number,
  groupName: r.group_name,
  registeredAt: new Date(r.registered_at).toISOString(),
});

/** Most subjects a suggestion query considers (the pure rules rank and filter them). */
const CANDIDATE_LIMIT = 500;

/** The subject registry's table: the row written with each `SubjectRegistered`, and municipality-scoped reads. */
@Injectable()
export class SubjectsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The subject if it exists in one of `municipalities`, else null. */
  async get(subjectId: string, municipalities: readonly string[]): Promise<Subject | null> {
    if (!isUuid(subjectId) || municipalities.length === 0) return null;
    const r = await this.db.query<Row>(`SELECT ${COLUMNS} FROM subjects WHERE subject_id = $1 AND municipality = ANY($2::text[])`, [subjectId, municipalities]);
    const row = r.rows[0];
    return row ? toSubject(row) : null;
  }

  /** The id of the person registered with this (normalised) BSN in the municipality, if any. */
  async idByBsn(municipality: string, bsn: string): Promise<string | null> {
    const r = await this.db.query<{ subject_id: string }>('SELECT subject_id FROM subjects WHERE municipality = $1 AND bsn = $2', [municipality, bsn]);
    return r.rows[0]?.subject_id ?? null;
  }

  /**
   * Subjects of the municipality that share at least one normalised key with `hints` (BSN, KvK number,
   * name with birth date, postcode, address): the set the matching rules rank. Others cannot match.
   */
  async candidates(municipality: string, hints: SubjectIdentity): Promise<Subject[]> {
    const k = identityKeys(hints);
    if (!k.bsn && !k.kvkNumber && !(k.name && k.birthDate) && !k.postcode && !k.address) return [];
    const r = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM subjects
        WHERE municipality = $1
          AND (bsn = $2 OR kvk_number = $3 OR (name_key = $4 AND birth_date = $5) OR postcode = $6 OR address_key = $7)
        LIMIT ${CANDIDATE_LIMIT}`,
      [municipality, k.bsn, k.kvkNumber, k.name, k.birthDate, k.postcode, k.address],
    );
    return r.rows.map(toSubject);
  }
}

/** A subject as the matching rules take it. */
export function registeredSubjectOf(s: Subject): RegisteredSubject {
  const value = (v: string | null) => v ?? undefined;
  return {
    subjectId: s.subjectId, kind: s.kind, name: value(s.name), birthDate: value(s.birthDate), bsn: value(s.bsn), address: value(s.address),
    postcode: value(s.postcode), kvkNumber: value(s.kvkNumber), groupName: value(s.groupName),
  };
}

/** The INSERT of a new subject's row, for `EventStore.appendIn`'s `alsoInsert` (same statement as its event). */
export function subjectRowInsert(payload: SubjectRegisteredPayload, registeredAt: string, registeredBy: string) {
  const k = identityKeys(payload);
  return (param: (value: unknown) => string): string => {
    const v = [
      payload.subjectId, payload.municipality, payload.kind, payload.name ?? null, k.name, payload.birthDate ?? null, payload.bsn ?? null,
      payload.address ?? null, k.address, payload.postcode ?? null, payload.kvkNumber ?? null, payload.groupName ?? null, registeredAt, registeredBy,
    ].map(param);
    return `INSERT INTO subjects (subject_id, municipality, kind, name, name_key, birth_date, bsn, address, address_key, postcode, kvk_number, group_name, registered_at, registered_by)
            VALUES (${v[0]}::uuid, ${v.slice(1, 12).join(', ')}, ${v[12]}::timestamptz, ${v[13]})`;
  };
}
