export const DAY_MS = 24 * 3_600_000;

/**
 * Extra time an inbox row is kept beyond the longest a topic may deliver a message again: Kafka looks for
 * expired segments every few minutes (`log.retention.check.interval.ms`), and the broker's and the database's
 * clocks differ a little.
 */
export const INBOX_RETENTION_MARGIN_MS = DAY_MS;

/** A consumer that recognises redelivered messages by its inbox rows, and the topics it reads. */
export interface InboxConsumer {
  consumer: string;
  topics: readonly string[];
}

/**
 * Why inbox rows kept `retentionDays` days are not safe to prune for these topics (empty when they are):
 * a topic must drop every message at least a margin before its inbox row goes, or a redelivered message
 * (a consumer group rewound, or restarted from the beginning after its offsets expired) would be applied
 * twice. `horizons` holds, per topic, the longest a message may still be delivered after publication, or
 * null for no limit.
 */
export function inboxRetentionProblems(retentionDays: number, horizons: ReadonlyMap<string, number | null>): string[] {
  const retentionMs = retentionDays * DAY_MS;
  const problems: string[] = [];
  for (const [topic, horizon] of [...horizons].sort(([a], [b]) => a.localeCompare(b))) {
    if (horizon === null) {
      problems.push(`topic ${topic} keeps messages without a time limit, so inbox rows must be kept forever (INBOX_RETENTION_DAYS=0)`);
    } else if (horizon + INBOX_RETENTION_MARGIN_MS > retentionMs) {
      const needed = Math.ceil((horizon + INBOX_RETENTION_MARGIN_MS) / DAY_MS);
      problems.push(
        `topic ${topic} may deliver a message up to ${formatDays(horizon)} after publication (retention.ms + segment.ms), so INBOX_RETENTION_DAYS must be at least ${needed} (or 0: never prune)`,
      );
    }
  }
  return problems;
}

function formatDays(ms: number): string {
  const days = ms / DAY_MS;
  return `${Number.isInteger(days) ? days : days.toFixed(1)} days`;
}
