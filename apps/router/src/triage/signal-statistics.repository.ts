import { Inject, Injectable } from '@nestjs/common';
import type { SignalCountGroup, SignalSource } from '#domain';
import type { Database } from '#eventstore';
import { DATABASE } from '#platform';

interface Row {
  source: SignalSource;
  theme: string | null;
  subject_key: string;
  registrations: number | string;
  dismissed: number | string;
}

/** Reads the router's signal read model for statistics. */
@Injectable()
export class SignalStatisticsRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /**
   * Signals of the municipality received in [`from`, `to`), grouped by source, theme and subject key (the
   * linked subject, or `signal:<id>` for an unlinked signal — the same key as `subjectKeyOf` in #domain),
   * for `summarizeSignalStatistics`.
   */
  async groups(municipality: string, from: Date | null, to: Date | null): Promise<SignalCountGroup[]> {
    const r = await this.db.query<Row>(
      `SELECT source, theme, COALESCE(subject_id::text, 'signal:' || signal_id::text) AS subject_key,
              count(*) AS registrations, count(*) FILTER (WHERE dismissed) AS dismissed
         FROM router_signals
        WHERE municipality = $1 AND source IS NOT NULL
          AND ($2::timestamptz IS NULL OR received_at >= $2::timestamptz)
          AND ($3::timestamptz IS NULL OR received_at < $3::timestamptz)
        GROUP BY 1, 2, 3`,
      [municipality, from?.toISOString() ?? null, to?.toISOString() ?? null],
    );
    return r.rows.map((row) => ({
      source: row.source,
      theme: row.theme,
      subjectKey: row.subject_key,
      registrations: Number(row.registrations),
      dismissed: Number(row.dismissed),
    }));
  }
}
