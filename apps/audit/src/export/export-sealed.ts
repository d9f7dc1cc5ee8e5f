import { newestUnsealed, type BundledCheckpoint, type BundledEvent, type LedgerCheckpointer } from '#eventstore';

/**
 * Exports a bundle whose events come with their proof: exported once, and when the checkpoint chain does not seal
 * its newest events yet, sealed through them (see `LedgerCheckpointer.sealThrough`) and exported again.
 */
export async function exportSealed<B extends { checkpoints: BundledCheckpoint[] }>(
  checkpointer: LedgerCheckpointer,
  exportBundle: () => Promise<B>,
  eventsOf: (bundle: B) => readonly BundledEvent[],
): Promise<B> {
  const bundle = await exportBundle();
  const unsealed = newestUnsealed(eventsOf(bundle), bundle.checkpoints);
  if (unsealed === null) return bundle;
  await checkpointer.sealThrough(unsealed);
  return exportBundle();
}
