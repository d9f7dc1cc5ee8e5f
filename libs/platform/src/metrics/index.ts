export * from './process-metrics.js';
export * from './metered-transport.js';
export * from './http-metrics.hook.js';
export * from './database-gauge.js';
export * from './outbox-gauges.js';
export * from './metrics.controller.js';
export * from './metrics.tokens.js';
