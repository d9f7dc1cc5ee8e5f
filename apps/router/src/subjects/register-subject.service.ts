import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { decideRegisterSubject, DomainError, mapSubjectPersonalData, SUBJECT_ERRORS, SUBJECT_REGISTERED_EVENT_TYPE, SUBJECT_REGISTERED_EVENT_VERSION } from '#domain';
import { EventStore, sqlErrorCode, type Database } from '#eventstore';
import { BLIND_INDEX, CLOCK, DATABASE, EVENT_STORE, KEYRING, keyOwner, REQUEST_KEY_WINDOW, requestKey, requestKeyTable, type Clock, type Keyring, type RequestKeyWindow } from '#platform';
import { requireMunicipality, type BlindIndex, type Principal } from '#security';
import type { RegisterSubjectRequestDto } from './register-subject.request.dto.js';
import { SUBJECT_PROCESSING, subjectStreamId } from './subject-stream.js';
import { blindKeysOf, subjectRowInsert, SubjectsRepository, type Subject } from './subjects.repository.js';

/** The `Idempotency-Key`s of registrations, each with its subject. */
const SUBJECT_REQUEST_KEYS = requestKeyTable('subject_request_keys', 'subject_id');

/**
 * Registers a subject: decide (pure rules), then the `SubjectRegistered` event on `subject-<id>` and the
 * `subjects` row in one statement, with the subject's new data key: its personal values are sealed under
 * that key in the event and the row (erasure destroys the key). A second person with the same BSN in the municipality is refused with
 * 409 `SUBJECT.BSN_CONFLICT` naming the registered subject, and nothing is appended. With an `Idempotency-Key`
 * (the caller's own), a request sent again within `IDEMPOTENCY_KEY_RETENTION_HOURS` answers the subject the first
 * one registered, and the same key with another request is refused (422 `IDEMPOTENCY.KEY_REUSED`): the key is
 * recorded in the registering statement.
 */
@Injectable()
export class RegisterSubjectService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(KEYRING) private readonly keyring: Keyring,
    @Inject(BLIND_INDEX) private readonly index: BlindIndex,
    private readonly subjects: SubjectsRepository,
    @Inject(REQUEST_KEY_WINDOW) private readonly keyWindow: RequestKeyWindow,
  ) {}

  async register(dto: RegisterSubjectRequestDto, principal: Principal, ids: { correlationId: string; traceparent: string | null }, idempotencyKey?: string): Promise<{ subject: Subject; replayed: boolean }> {
    requireMunicipality(principal, dto.municipality);
    const key = idempotencyKey === undefined ? null : requestKey(this.index, principal.subject, idempotencyKey, JSON.parse(JSON.stringify(dto)));
    const earlier = key && (await SUBJECT_REQUEST_KEYS.earlier(this.db, key, this.keyWindow.expiredBefore()));
    if (earlier) return this.registeredBefore(earlier, principal);
    const now = this.clock();
    const payload = decideRegisterSubject({ ...dto }, { now, newSubjectId: randomUUID() });
    const registeredAt = now.toISOString();
    const dataKey = this.keyring.newKey(keyOwner.subject(payload.subjectId), payload.municipality);
    const sealed = mapSubjectPersonalData(payload, dataKey.seal);
    try {
      await this.store.appendIn(
        this.db,
        subjectStreamId(payload.subjectId),
        0,
        [
          {
            id: randomUUID(),
            type: SUBJECT_REGISTERED_EVENT_TYPE,
            version: SUBJECT_REGISTERED_EVENT_VERSION,
            occurredAt: registeredAt,
            municipality: payload.municipality,
            actor: { id: principal.subject, role: principal.role },
            correlationId: ids.correlationId,
            traceparent: ids.traceparent,
            processingActivity: SUBJECT_PROCESSING.activity,
            legalBasis: SUBJECT_PROCESSING.legalBasis,
            payload: sealed as unknown as Record<string, unknown>,
          },
        ],
        { rows: [dataKey.row, ...(key ? [SUBJECT_REQUEST_KEYS.row(key, payload.subjectId, now)] : [])], alsoInsert: [subjectRowInsert(sealed, blindKeysOf(this.index, payload), registeredAt, principal.subject)] },
      );
    } catch (error) {
      // The same request at the same moment recorded the key first: answer its subject.
      const first = key && SUBJECT_REQUEST_KEYS.isTaken(error) ? await SUBJECT_REQUEST_KEYS.earlier(this.db, key, this.keyWindow.expiredBefore()) : null;
      if (first) return this.registeredBefore(first, principal);
      // Told by the registered holder rather than by the index's name: a registry rebuilt by a replay and
      // switched in (blue-green) carries its unique index under the replay table's index name.
      const existing = payload.bsn && sqlErrorCode(error) === '23505' ? await this.subjects.idByBsn(payload.municipality, payload.bsn) : null;
      if (existing) throw new DomainError(SUBJECT_ERRORS.BSN_CONFLICT, `A person with this BSN is registered already in this municipality: subject ${existing}`, { subjectId: existing });
      throw error;
    }
    const subject: Subject = {
      subjectId: payload.subjectId,
      kind: payload.kind,
      municipality: payload.municipality,
      name: payload.name ?? null,
      birthDate: payload.birthDate ?? null,
      bsn: payload.bsn ?? null,
      address: payload.address ?? null,
      postcode: payload.postcode ?? null,
      kvkNumber: payload.kvkNumber ?? null,
      groupName: payload.groupName ?? null,
      registeredAt,
      personalDataErased: false,
    };
    return { subject, replayed: false };
  }

  private async registeredBefore(subjectId: string, principal: Principal): Promise<{ subject: Subject; replayed: boolean }> {
    const subject = await this.subjects.get(subjectId, principal.municipalities);
    if (!subject) throw new DomainError(SUBJECT_ERRORS.NOT_FOUND, 'No such subject');
    return { subject, replayed: true };
  }
}
