/**
 * What a verification can find wrong, and what each usually means. From the stream chains:
 * - `hash-mismatch`: an event's stored content no longer gives its stored hash — it was edited.
 * - `prev-hash-mismatch`: an event does not seal the event before it in its stream — that event was
 *   replaced (edited with a recomputed hash).
 * - `version-gap`: a stream skips a version — an event was deleted.
 * - `stream-order`: a later version of a stream sits at an earlier position, or in an older transaction, than the version before it — events were reordered.
 * From the sealed ranges (the checkpoints' lines name every event's place and hash):
 * - `deleted`: a sealed event is gone (its position and hash are named).
 * - `reordered`: a sealed event now sits at another commit position.
 * - `rewritten`: a sealed position holds an event with another hash — edited, with hashes recomputed.
 * - `inserted`: an event sits in a sealed range it was not sealed in.
 * - `truncated`: the sealed tail of the ledger is gone (from the named position on).
 * Of the chain itself:
 * - `checkpoint-chain-broken`: the checkpoint table was altered.
 * - `anchor-mismatch`: a checkpoint differs from the hash the auditor recorded earlier (or is gone).
 */
export type LedgerBreakKind =
  | 'hash-mismatch'
  | 'prev-hash-mismatch'
  | 'version-gap'
  | 'stream-order'
  | 'deleted'
  | 'reordered'
  | 'rewritten'
  | 'inserted'
  | 'truncated'
  | 'checkpoint-chain-broken'
  | 'anchor-mismatch';

/** One finding, located as precisely as the evidence allows. */
export interface LedgerBreak {
  kind: LedgerBreakKind;
  /** The broken (or missing) event's position; null when the finding is about the checkpoint chain as a whole. */
  position: string | null;
  /** The stream, when the finding comes from a stream chain (sealed lines do not name streams). */
  streamId: string | null;
  /** The hash of the event concerned, for findings in sealed ranges (the sealed one; for `rewritten` and `inserted`, the one there now). */
  hash?: string;
  /** What the ledger sealed (a hash, a version, a count). */
  expected: string;
  /** What is there now. */
  actual: string;
  /** The checkpoint whose range holds the break, when it is in a sealed range. */
  checkpointSeq?: number;
  detail: string;
}

/** A checkpoint hash recorded earlier (e.g. printed by a previous `verify`), to hold the chain to. */
export interface LedgerAnchor {
  seq: number;
  hash: string;
}

export interface LedgerVerification {
  ok: boolean;
  eventsChecked: number;
  streamsChecked: number;
  checkpointsChecked: number;
  /** Events in sealed ranges (by the checkpoints' counts). */
  eventsSealed: number;
  /** Events after the newest checkpoint (not sealed yet; only their stream chains vouch for them). */
  eventsNotYetSealed: number;
  /** The newest checkpoint: record `seq` and `hash` and pass them as an anchor next time. */
  head: { seq: number; hash: string; toPosition: string; createdAt: string } | null;
  firstBreak: LedgerBreak | null;
  /** The first breaks in ledger order (at most `maxBreaks`). */
  breaks: LedgerBreak[];
  breakCount: number;
  durationMs: number;
  eventsPerSecond: number;
}
