export * from './keyring.js';
export * from './keyring.migration.js';
export * from './master-key-id.migration.js';
export * from './master-key-rotation.js';
export * from './hold-live-key.js';
