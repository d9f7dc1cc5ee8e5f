/**
 * What anchors prove of a bundle. An anchor — a checkpoint hash obtained independently — vouches for its own
 * checkpoint and, through each `prevCheckpointHash`, for every earlier one; never for a later one, which anyone
 * holding the file can compute (lines, digest, hash and all). So the newest anchor is the trusted head: an event
 * sealed by a checkpoint after it is proven by nothing independent, exactly like an event after the newest checkpoint.
 */

/** An event of the bundle proven by the bundle's own chain, with the checkpoint that sealed it. */
export interface SealedBy {
  /** Where the event is, for messages (`stream referral-…, event at position 4711`). */
  where: string;
  checkpointSeq: number;
}

/** The events a bundle's own chain seals after the newest anchor: how many, the first of them, and the checkpoints that seal them. */
export interface SealedAfterAnchor {
  newestAnchor: number;
  count: number;
  first: SealedBy;
  /** The lowest and highest checkpoint sealing such an event: an anchor at or after `lastCheckpoint` proves them all. */
  firstCheckpoint: number;
  lastCheckpoint: number;
}

/** The events sealed by a checkpoint after the newest anchor; null without anchors or when there are none. */
export function sealedAfterAnchor(sealed: readonly SealedBy[], anchors: readonly { seq: number }[]): SealedAfterAnchor | null {
  if (anchors.length === 0) return null;
  const newestAnchor = anchors.reduce((max, a) => Math.max(max, a.seq), -Infinity);
  const after = sealed.filter((e) => e.checkpointSeq > newestAnchor);
  if (after.length === 0) return null;
  const firstCheckpoint = after.reduce((min, e) => Math.min(min, e.checkpointSeq), Infinity);
  const lastCheckpoint = after.reduce((max, e) => Math.max(max, e.checkpointSeq), -Infinity);
  return { newestAnchor, count: after.length, first: after[0]!, firstCheckpoint, lastCheckpoint };
}

/** The message of `BUNDLE.SEALED_AFTER_ANCHOR`: the checkpoints, the newest anchor, the first such event, and what to do. */
export function sealedAfterAnchorMessage(s: SealedAfterAnchor): string {
  const checkpoints = s.firstCheckpoint === s.lastCheckpoint ? `checkpoint ${s.lastCheckpoint}` : `checkpoints ${s.firstCheckpoint}–${s.lastCheckpoint}`;
  return (
    `${s.count} event(s) sealed by ${checkpoints}, after the newest anchor ${s.newestAnchor} (first: ${s.first.where}, checkpoint ${s.first.checkpointSeq}): ` +
    `an anchor vouches only for its own checkpoint and those before it, so nothing independent proves them ` +
    `(verify with an anchor at or after checkpoint ${s.lastCheckpoint}, recorded after the export, or accept them with --allow-unsealed)`
  );
}
