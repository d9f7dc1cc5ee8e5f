import type { Actor } from '#contracts';
import type { SignalSource } from '#domain';
import type { InStatementProcessingLog } from '#platform';
import type { Principal } from '#security';

/** Take in one signal from HTTP or Kafka. `body` is the raw payload; the handler validates it. */
export class ReceiveSignalCommand {
  constructor(
    readonly source: SignalSource,
    readonly body: unknown,
    readonly actor: Actor,
    /** The HTTP caller; absent for Kafka intake (authorised by the topic's ACL). */
    readonly principal: Principal | null,
    readonly idempotencyKey: string | null,
    readonly correlationId: string,
    readonly traceparent: string | null,
    /** HTTP only: lets the handler write the call's processing-log line in its own statement. */
    readonly processingLog: InStatementProcessingLog | null = null,
    /**
     * Kafka only: the delivered message itself (its topic, partition, offset and a hash of its value). A redelivery
     * of the same message then stores nothing and gets the first receipt, also when the sender gave neither an
     * `externalRef` nor an `idempotency-key`.
     */
    readonly deliveryKey: string | null = null,
  ) {}
}

/** What the sender gets back at once: the receipt. */
export interface SignalReceipt {
  signalId: string;
  receivedAt: string;
  status: 'nieuw';
  /** True when this request was a resend of an earlier one: nothing new was stored. */
  replayed: boolean;
}
