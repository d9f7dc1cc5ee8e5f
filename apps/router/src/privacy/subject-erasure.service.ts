import { Inject, Injectable } from '@nestjs/common';
import { DomainError, SUBJECT_ERRORS } from '#domain';
import type { Database } from '#eventstore';
import { CLOCK, DATABASE, type Clock } from '#platform';
import type { Principal } from '#security';
import { markSubjectErased } from '../subjects/mark-subject-erased.js';
import { subjectStreamId } from '../subjects/subject-stream.js';
import { PersonalDataShredder } from './personal-data-shredder.js';
import { lockPersonalDataOf } from './privacy-lock.js';
import { subjectErasureScope } from './subject-erasure-scope.js';

/** What an erasure did. */
export interface SubjectErasure {
  subjectId: string;
  destructionId: string;
  keysDestroyed: number;
  /** The subject's signals whose personal data went with it: those linked to it and those of a case about it. */
  signalIds: string[];
  erasedAt: string;
}

/** The rule recorded for erasures on request. */
export const ERASURE_REQUEST_RULE = 'verzoek-tot-wissing';

/**
 * Erases a subject: crypto-shreds the subject's data key, those of its signals — every signal linked to it and
 * every signal of a case about it, linked or not (their personal fields, hints and reporter-vault entries) — and
 * those of the cases about it or its signals (their reasons, notes and plan), clears the subject's lookup keys so
 * it is never matched again, and records the destruction — all in one transaction (`subjectErasureScope`). A legal
 * hold on the subject, one of its signals, the subject such a signal is linked to, one of those cases or the
 * subject one of those cases is about (a hold on a case's subject holds the case) refuses it (409
 * `PRIVACY.LEGAL_HOLD`); nothing left to destroy is 409 `PRIVACY.ALREADY_ERASED` (a second request changes
 * nothing). Only an administrator of the subject's own municipality (named in the token) may erase; for anyone
 * else the subject does not exist (404).
 */
@Injectable()
export class SubjectErasureService {
  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly shredder: PersonalDataShredder,
  ) {}

  async erase(subjectId: string, reason: string, principal: Principal, ids: { correlationId: string; traceparent: string | null }): Promise<SubjectErasure> {
    const at = this.clock();
    return this.db.transaction(async (tx) => {
      const subject = await tx.query<{ municipality: string }>('SELECT municipality FROM subjects WHERE subject_id = $1::uuid FOR UPDATE', [subjectId]);
      const municipality = subject.rows[0]?.municipality;
      // The municipality is the controller of its data: only an administrator whose token names it erases it
      // (a cross-municipality admin token without the municipality cannot), and others cannot tell it exists.
      if (!municipality || !principal.municipalities.includes(municipality)) throw new DomainError(SUBJECT_ERRORS.NOT_FOUND, 'No such subject');
      // Read after the subject's row lock (a link committed before it is seen, one after it is refused), and
      // under the municipality's personal-data lock, which every destruction takes before locking keys.
      await lockPersonalDataOf(tx, municipality);
      const { signalIds, owners, holdOwners } = await subjectErasureScope(tx, subjectId);
      const result = await this.shredder.shred(tx, {
        streamId: subjectStreamId(subjectId),
        owners,
        holdOwners,
        municipality,
        dataClass: 'Identiteit van het subject, de persoonsgegevens in zijn signalen (gekoppeld, of in een zaak over het subject; incl. melder) en de vrije tekst van hun zaken',
        rule: ERASURE_REQUEST_RULE,
        reason,
        approvedBy: { id: principal.subject, role: principal.role },
        at,
        ...ids,
      });
      if (!result) throw new DomainError('PRIVACY.ALREADY_ERASED', "This subject's personal data was erased already");
      await markSubjectErased(tx, subjectId, at);
      return { subjectId, destructionId: result.destructionId, keysDestroyed: result.keysDestroyed, signalIds, erasedAt: at.toISOString() };
    });
  }
}
