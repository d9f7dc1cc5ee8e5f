import { describe, expect, it } from '@jest/globals';
import { createTransport } from '../src/transport.factory.js';

describe('createTransport picks the adapter from the configuration', () => {
  it('returns Kafka when brokers are given', async () => {
    const transport = createTransport({ kafkaBrokers: ['127.0.0.1:9092'], clientId: 'test' });
    expect(transport.kind).toBe('kafka');
    await transport.close();
  });

  it('returns in-process without brokers (absent, empty or blank)', async () => {
    for (const kafkaBrokers of [undefined, [], [' ']]) {
      const transport = createTransport({ kafkaBrokers, clientId: 'test' });
      expect(transport.kind).toBe('in-process');
      await transport.close();
    }
  });
});
