/** Nest injection tokens for the platform's shared services. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const DATABASE = Symbol('DATABASE');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');
export const LOGGER = Symbol('LOGGER');
/** Every `ProjectionDefinition` of the apps running in this process (`ProjectionDefinition[]`). */
export const PROJECTIONS = Symbol('PROJECTIONS');
/** The `FieldCipher` that seals personal fields at rest (reporter vault). */
export const FIELD_CIPHER = Symbol('FIELD_CIPHER');
