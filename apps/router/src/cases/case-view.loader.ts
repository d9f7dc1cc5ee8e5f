import { Inject, Injectable } from '@nestjs/common';
import { ADMISSION, StatementBatcher, type AdmissionControl } from '#platform';
import type { MunicipalityScope } from '#security';
import { CaseViewRepository, type StoredCase } from './case-view.repository.js';

/** Most case rows per read. */
const MAX_BATCH = 200;

/**
 * Single `case_view` rows — the ones case commands decide on, and the ones `GET /v1/cases/{id}` answers
 * with — read with group commit: requests that arrive while a read runs are read together in the next one
 * (one query, one statement in flight). Each read is sent after the requests in it arrived, so none sees a
 * row older than its own arrival (a read after a committed write sees that write).
 */
@Injectable()
export class CaseViewLoader {
  private readonly reads: StatementBatcher<string, StoredCase | null>;

  constructor(cases: CaseViewRepository, @Inject(ADMISSION) admission: AdmissionControl) {
    this.reads = new StatementBatcher(async (caseIds) => {
      const rows = await cases.getMany([...new Set(caseIds)]);
      return caseIds.map((id) => ({ ok: true, value: rows.get(id.toLowerCase()) ?? null }));
    }, MAX_BATCH, { gate: (queue) => admission.gate('case-read', queue) });
  }

  /** The case if it exists within `scope`, else null (a case elsewhere looks exactly like no case). */
  async get(caseId: string, scope: MunicipalityScope): Promise<StoredCase | null> {
    const stored = await this.reads.submit(caseId);
    return stored && (scope === 'all' || scope.includes(stored.municipality)) ? stored : null;
  }
}
