import { CreateEventStore1764100000000 } from './1764100000000-create-event-store.js';
import { CreateLedgerCheckpoints1764300000000 } from './1764300000000-create-ledger-checkpoints.js';

/** Migrations of the event store, in order. */
export const EVENT_STORE_MIGRATIONS: Function[] = [CreateEventStore1764100000000, CreateLedgerCheckpoints1764300000000];
