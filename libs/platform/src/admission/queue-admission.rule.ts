/** How much a queue in front of the database may hold before new work is refused. */
export interface QueueLimits {
  /** Items waiting (not counting a statement in flight). */
  maxLength: number;
  /** How long the oldest waiting item may have waited, in milliseconds. */
  maxWaitMs: number;
}

/** A queue as a new item finds it. */
export interface QueueState {
  waiting: number;
  /** How long the oldest waiting item has waited (0 when none waits). */
  oldestWaitMs: number;
}

export type QueueRefusal = 'length' | 'wait';

/**
 * Why a queue in front of the database refuses a new item, or null when it takes it. A full queue
 * refuses (memory stays bounded whatever the clients do); so does a queue whose oldest item has waited
 * longer than the limit — the database is not keeping up (stalled, or slower than the arrivals), and a
 * quick "try again" serves a caller better than a request that would only wait longer still.
 */
export function queueRefusal(state: QueueState, limits: QueueLimits): QueueRefusal | null {
  if (state.waiting >= limits.maxLength) return 'length';
  if (state.waiting > 0 && state.oldestWaitMs > limits.maxWaitMs) return 'wait';
  return null;
}
