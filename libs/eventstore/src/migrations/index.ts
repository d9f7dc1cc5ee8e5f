import { CreateEventStore1764100000000 } from './1764100000000-create-event-store.js';
import { CreateLedgerCheckpoints1764300000000 } from './1764300000000-create-ledger-checkpoints.js';
import { CreateAssertStreamHead1764400000000 } from './1764400000000-create-assert-stream-head.js';
import { IndexInboxByAge1764800000000 } from './1764800000000-index-inbox-by-age.js';
import { CreateTransportLog1764900003000 } from './1764900003000-create-transport-log.js';
import { AssertHeadInCommitOrder1764900005000 } from './1764900005000-assert-head-in-commit-order.js';

/** Migrations of the event store, in order. */
export const EVENT_STORE_MIGRATIONS: Function[] = [CreateEventStore1764100000000, CreateLedgerCheckpoints1764300000000, CreateAssertStreamHead1764400000000, IndexInboxByAge1764800000000, CreateTransportLog1764900003000, AssertHeadInCommitOrder1764900005000];
