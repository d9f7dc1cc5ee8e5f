import { describe, expect, it } from '@jest/globals';
import { logLevel } from 'kafkajs';
import { transportLevelOf } from '../src/kafka.transport.js';

/**
 * Creating topics, kafkajs asks for metadata until the broker names their leaders and logs each "not yet"
 * answer at error level; on a busy broker that put error lines in the product's log (and failed the
 * quiet-publish test in CI) although nothing failed. Those answers go to debug; real errors stay errors.
 */
describe('kafkajs log levels passed on by the transport', () => {
  const notYet = { error: 'There is no leader for this topic-partition as we are in the middle of a leadership election', correlationId: 3, size: 60 };

  it('passes a "no leader yet" metadata answer on as debug', () => {
    expect(transportLevelOf(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', notYet)).toBe('debug');
  });

  it('keeps other error answers, and the same answer to other requests, as errors', () => {
    expect(transportLevelOf(logLevel.ERROR, 'Response Metadata(key: 3, version: 6)', { error: 'This server does not host this topic-partition' })).toBe('error');
    expect(transportLevelOf(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', notYet)).toBe('error');
    expect(transportLevelOf(logLevel.WARN, 'Connection timeout', {})).toBe('warn');
  });

  it('passes a "group is rebalancing" heartbeat answer on as debug and the rejoin as info (another member joined: normal with several processes)', () => {
    const rebalancing = { error: 'The group is rebalancing, so a rejoin is needed', correlationId: 9, size: 10 };
    expect(transportLevelOf(logLevel.ERROR, 'Response Heartbeat(key: 12, version: 3)', rebalancing)).toBe('debug');
    expect(transportLevelOf(logLevel.WARN, 'The group is rebalancing, re-joining', { groupId: 'g', error: rebalancing.error })).toBe('info');
    expect(transportLevelOf(logLevel.ERROR, 'Response Heartbeat(key: 12, version: 3)', { error: 'The coordinator is not aware of this member' })).toBe('error');
    expect(transportLevelOf(logLevel.ERROR, 'Response Produce(key: 0, version: 7)', rebalancing)).toBe('error');
  });

  it('passes the expected idempotent-producer warning on as debug', () => {
    expect(transportLevelOf(logLevel.WARN, 'Limiting retries for the idempotent producer may invalidate EoS guarantees', {})).toBe('debug');
  });
});
