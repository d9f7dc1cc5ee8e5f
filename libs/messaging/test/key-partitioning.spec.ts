import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Partitioners } from 'kafkajs';
import { murmur2, partitionForKey } from '../src/murmur2.partitioner.js';

describe('key partitioning matches Kafka', () => {
  const kafkajsPartition = (key: string, partitions: number): number =>
    Partitioners.DefaultPartitioner()({
      topic: 't',
      partitionMetadata: Array.from({ length: partitions }, (_, partitionId) => ({
        partitionId,
        leader: 1,
        replicas: [1],
        isr: [1],
        partitionErrorCode: 0,
      })),
      message: { key, value: null },
    });

  it('places every key on the partition kafkajs DefaultPartitioner (Java murmur2) picks', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), fc.integer({ min: 1, max: 128 }), (key, partitions) => {
        expect(partitionForKey(key, partitions)).toBe(kafkajsPartition(key, partitions));
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees with known Java client hashes', () => {
    // Values from Kafka's UtilsTest#testMurmur2.
    expect(murmur2(Buffer.from('21'))).toBe(-973932308);
    expect(murmur2(Buffer.from('foobar'))).toBe(-790332482);
    expect(murmur2(Buffer.from('a-little-bit-long-string'))).toBe(-985981536);
    expect(murmur2(Buffer.from('a-little-bit-longer-string'))).toBe(-1486304829);
    expect(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'))).toBe(-58897971);
    expect(murmur2(Buffer.from('abc'))).toBe(479470107);
  });
});
