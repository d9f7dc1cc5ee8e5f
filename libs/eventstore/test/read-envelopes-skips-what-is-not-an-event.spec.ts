import { describe, expect, it } from '@jest/globals';
import type { IncomingMessage } from '#messaging';
import { readEnvelopes } from '../src/inbox/read-envelopes.js';

/**
 * A consumer's batch may hold messages that are no event of ours (a foreign or broken producer on the topic). They
 * are skipped and reported, and the events around them are read in order: one bad message must not stop a partition
 * (a consumer that read `{}` as an event threw on its missing `streamId`, and the batch was fetched again for ever).
 */
const message = (value: string, offset: number): IncomingMessage => ({ topic: 't', partition: 0, offset: String(offset), key: null, value: Buffer.from(value), headers: {}, attempt: 1, publishedAt: 0 });
const event = (id: string) => JSON.stringify({ id, type: 'CaseOpened', streamId: `case-${id}`, payload: { caseId: id } });

describe('reading event envelopes from a batch', () => {
  it('skips and reports what is not JSON or not an envelope, and keeps the events in order', () => {
    const unreadable: string[] = [];
    const batch = [
      event('a'),
      '{"id": ',
      '{}',
      'null',
      '[1, 2]',
      '"CaseOpened"',
      JSON.stringify({ id: 'x', type: 'CaseOpened', streamId: 'case-x', payload: null }),
      JSON.stringify({ id: 'y', type: 'CaseOpened', payload: {} }),
      JSON.stringify({ id: 7, type: 'CaseOpened', streamId: 'case-z', payload: {} }),
      '',
      event('b'),
    ].map(message);
    const events = readEnvelopes(batch, (m) => unreadable.push(m.offset));
    expect(events.map((e) => e.id)).toEqual(['a', 'b']);
    // The empty value (a tombstone) is no event and nothing to report.
    expect(unreadable).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
  });
});
