import { describe, expect, it } from '@jest/globals';
import { referredAtOf } from '../src/referrals/referral-rejection.js';

/**
 * A referral rejected because its `CaseReferred` could not be handled is registered as referred at the event's `at`,
 * or when the case event occurred where `at` is no instant. The live writer reads `at` from the parsed message and a
 * replay of the register as text from the ledger (`payload->>'at'`): both must come to the same moment.
 */
const occurred = '2026-03-02T09:15:00.000Z';

describe('referredAtOf', () => {
  it('takes an ISO 8601 instant as given, in UTC', () => {
    expect(referredAtOf('2026-03-01T10:00:00+01:00', occurred)).toBe('2026-03-01T09:00:00.000Z');
    expect(referredAtOf('2026-03-01T09:00:00Z', occurred)).toBe('2026-03-01T09:00:00.000Z');
  });

  it.each([[1], ['1'], ['2026'], ['2026-03-01'], ['maandag'], [''], [null], [undefined], [{}]])('falls back to when the case event occurred for %p, live and as the replay reads it', (at) => {
    expect(referredAtOf(at, occurred)).toBe(occurred);
    // The replay's view of the same value: JSON text of a number, the string itself.
    const asText = at === null || at === undefined || typeof at === 'object' ? null : String(at);
    expect(referredAtOf(asText, new Date(occurred))).toBe(occurred);
  });
});
