import type { InProcessMessageStore } from './in-process-message-store.port.js';
import { InProcessTransport } from './in-process.transport.js';
import { KafkaTransport } from './kafka.transport.js';
import type { TransportLogger } from './transport-logger.port.js';
import type { MessageTransport } from './transport.port.js';

export interface TransportFactoryConfig {
  /** Kafka bootstrap brokers; empty or absent selects the in-process transport. */
  kafkaBrokers?: string[];
  clientId: string;
  /** Partitions a Kafka consumer works on at once (default 1). */
  consumerConcurrency?: number;
  /** How often batch consumers commit their offsets (default 1 000 ms; 0 after every batch). */
  commitIntervalMs?: number;
  /** Optional sink for transport diagnostics (both adapters). */
  logger?: TransportLogger;
  /** Where the in-process transport keeps its log and offsets (so they survive the process); unused with Kafka. */
  inProcessStore?: InProcessMessageStore;
}

/** Kafka when brokers are configured, otherwise the in-process transport (the embedded default, tests). */
export function createTransport(config: TransportFactoryConfig): MessageTransport {
  const brokers = (config.kafkaBrokers ?? []).map((b) => b.trim()).filter((b) => b.length > 0);
  if (brokers.length > 0) {
    return new KafkaTransport({ brokers, clientId: config.clientId, logger: config.logger, consumer: { partitionsConsumedConcurrently: config.consumerConcurrency, commitIntervalMs: config.commitIntervalMs } });
  }
  return new InProcessTransport({ logger: config.logger, store: config.inProcessStore });
}
