export * from './keyring.js';
export * from './keyring.migration.js';
