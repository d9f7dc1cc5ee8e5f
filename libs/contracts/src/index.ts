export * from './envelope.js';
export * from './topics.js';
export * from './referral-topics.js';
export * from './stream-ids.js';
