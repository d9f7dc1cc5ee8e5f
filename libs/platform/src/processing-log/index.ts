export * from './processing-log.migration.js';
export * from './processes-personal-data.decorator.js';
export * from './subject-pseudonymizer.js';
export * from './processing-log.writer.js';
export * from './processing-log.query.js';
export * from './processing-log.tokens.js';
export * from './processing-log.interceptor.js';
export * from './break-glass-review.js';
