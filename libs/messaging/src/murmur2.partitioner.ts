/** Seed and mixing constants of Kafka's murmur2 (org.apache.kafka.common.utils.Utils#murmur2). */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * 32-bit murmur2 exactly as the Java client and kafkajs' DefaultPartitioner compute it, so the
 * in-process transport places a key on the same partition as Kafka would.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The Java switch falls through from 3 to 1; written as ifs because the tsconfig forbids fallthrough.
  const tail = length & ~3;
  const rest = length % 4;
  if (rest === 3) h ^= data[tail + 2] << 16;
  if (rest >= 2) h ^= data[tail + 1] << 8;
  if (rest >= 1) {
    h ^= data[tail];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Partition of a keyed message: `toPositive(murmur2(utf8(key))) % partitions`, as Kafka does it. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}
