import { kafkaRedeliveryHorizon } from '../src/kafka-redelivery-horizon.js';

const DAY = 24 * 3_600_000;

describe('how long Kafka may still deliver a message of a topic', () => {
  it('is retention.ms plus segment.ms: a segment is deleted only once its newest message has expired', () => {
    expect(kafkaRedeliveryHorizon('t', { 'retention.ms': String(7 * DAY), 'segment.ms': String(7 * DAY), 'cleanup.policy': 'delete' })).toBe(14 * DAY);
    expect(kafkaRedeliveryHorizon('t', { 'retention.ms': '3600000', 'segment.ms': '600000', 'cleanup.policy': 'compact,delete' })).toBe(4_200_000);
  });

  it('has no limit when retention.ms is -1, or the topic is only compacted', () => {
    expect(kafkaRedeliveryHorizon('t', { 'retention.ms': '-1', 'segment.ms': String(DAY), 'cleanup.policy': 'delete' })).toBeNull();
    expect(kafkaRedeliveryHorizon('t', { 'retention.ms': String(DAY), 'segment.ms': String(DAY), 'cleanup.policy': 'compact' })).toBeNull();
  });

  it('treats a missing cleanup.policy as Kafka does (delete)', () => {
    expect(kafkaRedeliveryHorizon('t', { 'retention.ms': '1000', 'segment.ms': '2000' })).toBe(3000);
  });

  it('refuses settings it cannot read, naming the topic', () => {
    expect(() => kafkaRedeliveryHorizon('signals', { 'retention.ms': 'soon', 'segment.ms': '1' })).toThrow(/topic signals: the broker gave no usable retention\.ms \(soon\)/);
    expect(() => kafkaRedeliveryHorizon('signals', { 'retention.ms': '1', 'segment.ms': null })).toThrow(/no usable segment\.ms/);
  });
});
