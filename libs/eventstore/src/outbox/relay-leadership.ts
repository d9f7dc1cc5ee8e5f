/**
 * Which relay of a database publishes. One relay at a time keeps per-key order across the processes that share
 * a database; the others hand their nudges to it.
 */
export interface RelayLeadership {
  /** True while this process's relay is the one that publishes. */
  readonly leading: boolean;
  /**
   * Starts taking part: `onWake` is called when another process wrote outbox rows and asked the leader to publish
   * them (only while this process leads), `onChange` when this process becomes or stops being the leader.
   */
  start(listener: { onWake: () => void; onChange?: (leading: boolean) => void }): Promise<void>;
  /** Asks the leading relay (in another process) to publish: this process has just committed outbox rows. */
  wakeLeader(): void;
  stop(): Promise<void>;
}

/** The only relay on its database: the embedded default (one process) and tests that run one relay. */
export const SOLE_RELAY: RelayLeadership = {
  leading: true,
  start: async () => undefined,
  wakeLeader: () => undefined,
  stop: async () => undefined,
};
