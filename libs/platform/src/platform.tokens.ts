/** Nest injection tokens for the platform's shared services. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const DATABASE = Symbol('DATABASE');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
/** The `AdmissionControl`: refuses work when a queue in front of the database is full or not moving. */
export const ADMISSION = Symbol('ADMISSION');
/** The `InboxPruner`: forgets consumers' inbox rows after `INBOX_RETENTION_DAYS`. */
export const INBOX_PRUNER = Symbol('INBOX_PRUNER');
/** The `RequestKeyWindow`: when a request key is recorded, and before when recorded keys have expired. */
export const REQUEST_KEY_WINDOW = Symbol('REQUEST_KEY_WINDOW');
/** The `RequestKeyPruner`: deletes the request keys of this process's apps once they have expired. */
export const REQUEST_KEY_PRUNER = Symbol('REQUEST_KEY_PRUNER');
export const LOGGER = Symbol('LOGGER');
/** Every `ProjectionDefinition` of the apps running in this process (`ProjectionDefinition[]`). */
export const PROJECTIONS = Symbol('PROJECTIONS');
/** The `MasterKeyProvider` (#security) the data keys are wrapped under. */
export const MASTER_KEY_PROVIDER = Symbol('MASTER_KEY_PROVIDER');
/** The `Keyring`: per-owner data keys, sealing, revealing and crypto-shredding of personal data. */
export const KEYRING = Symbol('KEYRING');
/** The `BlindIndex` (#security) that fingerprints identifying values for lookups without storing them. */
export const BLIND_INDEX = Symbol('BLIND_INDEX');
