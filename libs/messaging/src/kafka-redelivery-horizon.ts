/** The topic settings that decide how long Kafka keeps a message (`describeConfigs` values, as text). */
export interface KafkaTopicRetentionConfig {
  'retention.ms'?: string | null;
  'segment.ms'?: string | null;
  'cleanup.policy'?: string | null;
}

/**
 * How long after publication Kafka may still deliver a message of a topic with these settings, or null for
 * no time limit. Kafka deletes whole segments, once the newest message of a segment is older than
 * `retention.ms`; a segment stays open for new messages up to `segment.ms`. So the first message of a segment
 * can live `segment.ms + retention.ms`. `retention.ms` -1 keeps messages forever, and a compacted topic
 * (`cleanup.policy=compact` without `delete`) keeps each key's latest message forever.
 */
export function kafkaRedeliveryHorizon(topic: string, config: KafkaTopicRetentionConfig): number | null {
  const policies = (config['cleanup.policy'] ?? 'delete').split(',').map((p) => p.trim());
  if (!policies.includes('delete')) return null;
  const retention = milliseconds(topic, 'retention.ms', config['retention.ms']);
  if (retention < 0) return null;
  return retention + milliseconds(topic, 'segment.ms', config['segment.ms']);
}

function milliseconds(topic: string, name: string, value: string | null | undefined): number {
  const parsed = value === null || value === undefined ? Number.NaN : Number(value);
  if (!Number.isSafeInteger(parsed)) throw new Error(`topic ${topic}: the broker gave no usable ${name} (${String(value)})`);
  return parsed;
}
