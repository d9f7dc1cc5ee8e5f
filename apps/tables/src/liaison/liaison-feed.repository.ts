import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '#domain';
import type { Database } from '#eventstore';
import { DATABASE, isUuid } from '#platform';

/** Where a reader stands in the feed's commit order. */
export interface FeedCursor {
  transactionId: string;
  seq: string;
}

export interface FeedItem {
  /** The event id; the SSE `id`, and what `Last-Event-ID` names. */
  eventId: string;
  type: string;
  escalationId: string;
  municipality: string;
  at: string;
  data: Record<string, unknown>;
  cursor: FeedCursor;
}

interface Row {
  event_id: string;
  type: string;
  escalation_id: string;
  municipality: string;
  at: Date | string;
  data: unknown;
  transaction_id: string;
  seq: string;
}

/** Only transactions older than the oldest one in flight: a late commit never lands behind a cursor. */
// The queries hand the cursor out as text under the columns' own names, and ORDER BY takes a bare name for the
// output column: they order by the qualified columns, or "10" would sort before "9".
const VISIBLE = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';
/** The steps the police received: none of an escalation raised undelivered (see `policeReceived`). */
const POLICE_RECEIVED = (feed: string) =>
  `NOT EXISTS (SELECT 1 FROM liaison_escalations e WHERE e.escalation_id = ${feed}.escalation_id AND e.alert_reason = 'municipality-not-served')`;

const toItem = (r: Row): FeedItem => ({
  eventId: r.event_id,
  type: r.type,
  escalationId: r.escalation_id,
  municipality: r.municipality,
  at: new Date(r.at).toISOString(),
  data: (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as Record<string, unknown>,
  cursor: { transactionId: r.transaction_id, seq: r.seq },
});

/** The liaison feed: every escalation step, in commit order, per municipality. */
@Injectable()
export class LiaisonFeedRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The cursor right after the newest visible step (a new reader starts here). */
  async head(): Promise<FeedCursor> {
    const r = await this.db.query<{ transaction_id: string; seq: string }>(
      `SELECT transaction_id::text AS transaction_id, seq::text AS seq FROM liaison_feed WHERE ${VISIBLE} ORDER BY liaison_feed.transaction_id DESC, liaison_feed.seq DESC LIMIT 1`,
    );
    return r.rows[0] ? { transactionId: r.rows[0].transaction_id, seq: r.rows[0].seq } : { transactionId: '0', seq: '0' };
  }

  /**
   * The cursor of the step `eventId`, if it is one the reader may see. A step the stream would not show yet (its
   * transaction committed while an older one is still in flight; a client can take its id from the escalation's
   * page) gives the cursor just below the oldest transaction in flight instead: resuming after the step itself would
   * skip the older transaction's steps when it commits. The stream then sends that step again, at least once.
   * @throws DomainError `LIAISON.LAST_EVENT_ID_UNKNOWN` otherwise (nothing is streamed)
   */
  async cursorOf(eventId: string, municipalities: readonly string[]): Promise<FeedCursor> {
    const r = isUuid(eventId)
      ? await this.db.query<{ transaction_id: string; seq: string }>(
          `SELECT CASE WHEN f.transaction_id < h.xmin THEN f.transaction_id::text ELSE (h.xmin::text::numeric - 1)::text END AS transaction_id,
                  CASE WHEN f.transaction_id < h.xmin THEN f.seq::text ELSE '9223372036854775807' END AS seq
             FROM liaison_feed f, (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin) h
            WHERE f.event_id = $1::uuid AND f.municipality = ANY($2::text[]) AND ${POLICE_RECEIVED('f')}`,
          [eventId, municipalities],
        )
      : { rows: [] };
    const row = r.rows[0];
    if (!row) throw new DomainError('LIAISON.LAST_EVENT_ID_UNKNOWN', 'Last-Event-ID names no event of this feed; reconnect without it to start at the current end');
    return { transactionId: row.transaction_id, seq: row.seq };
  }

  /** Steps after `cursor` for these municipalities, oldest first: those the police received (the stream is the liaisons'). */
  async after(cursor: FeedCursor, municipalities: readonly string[], limit = 200): Promise<FeedItem[]> {
    const r = await this.db.query<Row>(
      `SELECT event_id, type, escalation_id, municipality, at, data, transaction_id::text AS transaction_id, seq::text AS seq
         FROM liaison_feed
        WHERE (transaction_id, seq) > ($1::xid8, $2::bigint) AND ${VISIBLE} AND municipality = ANY($3::text[]) AND ${POLICE_RECEIVED('liaison_feed')}
        ORDER BY liaison_feed.transaction_id, liaison_feed.seq
        LIMIT $4`,
      [cursor.transactionId, cursor.seq, municipalities, limit],
    );
    return r.rows.map(toItem);
  }

  /** Every step of one escalation, oldest first. */
  async ofEscalation(escalationId: string): Promise<FeedItem[]> {
    const r = await this.db.query<Row>(
      `SELECT event_id, type, escalation_id, municipality, at, data, transaction_id::text AS transaction_id, seq::text AS seq
         FROM liaison_feed WHERE escalation_id = $1::uuid ORDER BY liaison_feed.seq`,
      [escalationId],
    );
    return r.rows.map(toItem);
  }
}
