import { CreateEventStore1764100000000 } from './1764100000000-create-event-store.js';

/** Migrations of the event store, in order. */
export const EVENT_STORE_MIGRATIONS: Function[] = [CreateEventStore1764100000000];
