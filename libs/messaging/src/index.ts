export * from './transport.port.js';
export * from './transport-logger.port.js';
export { murmur2, partitionForKey } from './murmur2.partitioner.js';
export { InProcessTransport, type InProcessTransportOptions } from './in-process.transport.js';
export type { InProcessMessageStore, StoredInProcessMessage } from './in-process-message-store.port.js';
export { KafkaTransport, type KafkaTransportConfig, type KafkaConsumerTuning } from './kafka.transport.js';
export { createTransport, type TransportFactoryConfig } from './transport.factory.js';
export { PrefixedTransport } from './prefixed.transport.js';
export * from './kafkajs-idle-timer.fix.js';
