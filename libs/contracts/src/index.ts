export * from './envelope.js';
export * from './topics.js';
