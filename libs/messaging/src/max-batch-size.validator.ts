import { DEFAULT_MAX_BATCH_SIZE } from './transport.port.js';

/** The `maxBatchSize` a batch subscription uses: the default when absent, else a positive integer. */
export function resolveMaxBatchSize(value: number | undefined): number {
  const size = value ?? DEFAULT_MAX_BATCH_SIZE;
  if (!Number.isInteger(size) || size < 1) throw new Error(`maxBatchSize must be a positive integer, got ${value}`);
  return size;
}
