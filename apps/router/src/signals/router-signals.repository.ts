import { Inject, Injectable } from '@nestjs/common';
import type { SignalSource } from '#domain';
import type { Database } from '#eventstore';
import { DATABASE } from '#platform';
import type { RouterSignal, RouterSignalsReader } from './router-signal.js';
import { isUuid } from './signal-stream.js';

interface Row {
  signal_id: string;
  municipality: string;
  source: SignalSource;
  received_at: Date | string;
  status: string;
  subject_id: string | null;
  case_id: string | null;
  reporter_relation: string | null;
  wvggz: boolean | null;
  hints: unknown;
}

const COLUMNS = 'signal_id, municipality, source, received_at, status, subject_id, case_id, reporter_relation, wvggz, hints';

const toSignal = (r: Row): RouterSignal => ({
  signalId: r.signal_id,
  municipality: r.municipality,
  source: r.source,
  receivedAt: new Date(r.received_at).toISOString(),
  status: r.status,
  subjectId: r.subject_id,
  caseId: r.case_id,
  reporterRelation: r.reporter_relation,
  wvggz: r.wvggz,
  hints: (typeof r.hints === 'string' ? JSON.parse(r.hints) : r.hints) as RouterSignal['hints'],
});

/** Reads of the router's signal read model (`router_signals`), always limited to the given municipalities. */
@Injectable()
export class RouterSignalsRepository implements RouterSignalsReader {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async get(signalId: string, municipalities: readonly string[] | 'all'): Promise<RouterSignal | null> {
    if (!isUuid(signalId)) return null;
    if (municipalities !== 'all' && municipalities.length === 0) return null;
    const r =
      municipalities === 'all'
        ? await this.db.query<Row>(`SELECT ${COLUMNS} FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL`, [signalId])
        : await this.db.query<Row>(`SELECT ${COLUMNS} FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL AND municipality = ANY($2::text[])`, [
            signalId,
            municipalities,
          ]);
    const row = r.rows[0];
    return row ? toSignal(row) : null;
  }
}
