import { Inject, Injectable } from '@nestjs/common';
import { identityKeys, type RegisteredSubject, type SubjectIdentity, type SubjectKind, type SubjectRegisteredPayload } from '#domain';
import { quoteIdent, type Database } from '#eventstore';
import { BLIND_INDEX, DATABASE, KEYRING, type Keyring } from '#platform';
import type { BlindIndex } from '#security';
import { isUuid } from '../signals/signal-stream.js';

/** A registered subject as the API shows it (absent values are null; erased ones too, with `personalDataErased`). */
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
  /** True once the subject's personal data was erased (its data key destroyed). */
  personalDataErased: boolean;
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
  erased_at: Date | string | null;
}

const COLUMNS = 'subject_id, municipality, kind, name, birth_date, bsn, address, postcode, kvk_number, group_name, registered_at, erased_at';

/** Most subjects a suggestion query considers (the pure rules rank and filter them). */
const CANDIDATE_LIMIT = 500;

/** The lookup keys of an identity: blind indexes of its normalised values (null where absent or unusable). */
export function blindKeysOf(index: BlindIndex, identity: SubjectIdentity) {
  const k = identityKeys(identity);
  return {
    bsn: index.of('bsn', k.bsn),
    name: index.of('name', k.name),
    birthDate: index.of('birthDate', k.birthDate),
    address: index.of('address', k.address),
    postcode: index.of('postcode', k.postcode),
    kvkNumber: k.kvkNumber,
  };
}

/**
 * The subject registry's table: the row written with each `SubjectRegistered` (personal values sealed,
 * lookups through blind indexes), and municipality-scoped reads that open the sealed values.
 */
@Injectable()
export class SubjectsRepository {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(KEYRING) private readonly keyring: Keyring,
    @Inject(BLIND_INDEX) private readonly index: BlindIndex,
  ) {}

  /** The subject if it exists in one of `municipalities`, else null. */
  async get(subjectId: string, municipalities: readonly string[]): Promise<Subject | null> {
    if (!isUuid(subjectId) || municipalities.length === 0) return null;
    const r = await this.db.query<Row>(`SELECT ${COLUMNS} FROM subjects WHERE subject_id = $1 AND municipality = ANY($2::text[])`, [subjectId, municipalities]);
    const row = r.rows[0];
    return row ? (await this.open([row]))[0]! : null;
  }

  /** The id of the person registered with this (normalised) BSN in the municipality, if any. */
  async idByBsn(municipality: string, bsn: string): Promise<string | null> {
    const r = await this.db.query<{ subject_id: string }>('SELECT subject_id FROM subjects WHERE municipality = $1 AND bsn_key = $2', [municipality, this.index.of('bsn', bsn)]);
    return r.rows[0]?.subject_id ?? null;
  }

  /**
   * Subjects of the municipality that share at least one normalised key with `hints` (BSN, KvK number,
   * name with birth date, postcode, address): the set the matching rules rank. Others cannot match; erased
   * subjects have no keys left and never do.
   */
  async candidates(municipality: string, hints: SubjectIdentity): Promise<Subject[]> {
    const k = blindKeysOf(this.index, hints);
    if (!k.bsn && !k.kvkNumber && !(k.name && k.birthDate) && !k.postcode && !k.address) return [];
    const r = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM subjects
        WHERE municipality = $1 AND erased_at IS NULL
          AND (bsn_key = $2 OR kvk_number = $3 OR (name_key = $4 AND birth_date_key = $5) OR postcode_key = $6 OR address_key = $7)
        LIMIT ${CANDIDATE_LIMIT}`,
      [municipality, k.bsn, k.kvkNumber, k.name, k.birthDate, k.postcode, k.address],
    );
    return this.open(r.rows);
  }

  private async open(rows: Row[]): Promise<Subject[]> {
    const { value } = await this.keyring.reveal(rows);
    return value.map((r) => ({
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
      personalDataErased: r.erased_at !== null,
    }));
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

/** The lookup keys a subject's row holds (blind indexes; null where absent, or once erased). */
export type SubjectLookupKeys = Pick<ReturnType<typeof blindKeysOf>, 'bsn' | 'name' | 'birthDate' | 'address' | 'postcode'>;

/**
 * The INSERT of a new subject's row, for `EventStore.appendIn`'s `alsoInsert` (same statement as its event):
 * the sealed values of `sealed` (the event's payload) and the lookup keys of its plaintext. The replay of the
 * `subjects` projection writes its rows with the same statement into `table`.
 */
export function subjectRowInsert(sealed: SubjectRegisteredPayload, k: SubjectLookupKeys, registeredAt: string, registeredBy: string, table = 'subjects') {
  return (param: (value: unknown) => string): string => {
    const v = [
      sealed.subjectId, sealed.municipality, sealed.kind, sealed.name ?? null, k.name, sealed.birthDate ?? null, k.birthDate, sealed.bsn ?? null, k.bsn,
      sealed.address ?? null, k.address, sealed.postcode ?? null, k.postcode, sealed.kvkNumber ?? null, sealed.groupName ?? null, registeredAt, registeredBy,
    ].map(param);
    return `INSERT INTO ${quoteIdent(table)} (subject_id, municipality, kind, name, name_key, birth_date, birth_date_key, bsn, bsn_key, address, address_key, postcode, postcode_key, kvk_number, group_name, registered_at, registered_by)
            VALUES (${v[0]}::uuid, ${v.slice(1, 15).join(', ')}, ${v[15]}::timestamptz, ${v[16]})`;
  };
}
