import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { REFERRAL_TOPICS, TOPICS } from '#contracts';
import { PRODUCT_APPS } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';

/**
 * Every consumer reads an edge: a message that is no event goes to the dead letters at its first delivery (no retry
 * can mend it), where a person can look at it, and the partition moves on; before, it was logged and skipped.
 *
 * The router applies the tables app's referral outcomes (`signaalroute.referrals.v1`) to cases: an edge it
 * reads from Kafka. A message that is no event, or an outcome without the fields the case command needs (who
 * decided, what the table takes over), can never be applied: it goes to the dead letters at its first delivery,
 * where a person can look at it, and changes nothing. Before, a missing `decidedBy` threw a TypeError that was
 * retried CONSUMER_MAX_ATTEMPTS times, and a message that was not JSON was only logged. Real PostgreSQL and Kafka.
 */

let h: AppHarness;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('a malformed referral outcome', () => {
  it('goes to the dead letters at its first delivery, naming what is missing, and changes nothing', async () => {
    const before = await h.countEvents();
    const referralId = randomUUID();
    const envelope = (type: string, payload: Record<string, unknown>) =>
      JSON.stringify({ id: randomUUID(), type, streamId: `referral-${referralId}`, version: 1, correlationId: randomUUID(), causationId: null, traceparent: null, payload });
    const withoutDecider = envelope('ReferralAccepted', { referralId, caseId: randomUUID(), table: 'riec', municipality: 'GM0153', responsibilities: { procesregie: 'riec' }, at: new Date().toISOString() });
    const holdersNotText = envelope('ReferralAccepted', { referralId, caseId: randomUUID(), table: 'riec', municipality: 'GM0153', responsibilities: { procesregie: 7 }, decidedBy: { id: 'm', role: 'table-member' }, at: new Date().toISOString() });
    await h.produce(REFERRAL_TOPICS.referrals, [withoutDecider, 'not json at all', holdersNotText].map((value) => ({ key: `referral-${referralId}`, value })));

    const letters = await waitFor(
      async () => {
        const rows = await h.query<{ message_value: string; error_code: string; error: string; attempts: number }>(
          "SELECT message_value, error_code, error, attempts FROM dead_letters WHERE origin = 'consumer:router.referral-outcomes' AND message_key = $1 ORDER BY id",
          [`referral-${referralId}`],
        );
        return rows.length === 3 ? rows : undefined;
      },
      { what: 'three dead letters' },
    );
    expect(letters.map((l) => ({ code: l.error_code, attempts: l.attempts }))).toEqual([
      { code: 'MESSAGE.MALFORMED', attempts: 1 },
      { code: 'MESSAGE.MALFORMED', attempts: 1 },
      { code: 'MESSAGE.MALFORMED', attempts: 1 },
    ]);
    expect(letters[0]!.error).toContain('decidedBy: missing');
    expect(letters[1]!.message_value).toBe('not json at all');
    expect(letters[2]!.error).toContain('responsibilities: missing or not');
    expect(await h.countEvents()).toBe(before);
  });
});

describe('a message on the signals topic that is no event', () => {
  it("goes to the dead letters of the triage queue and of the router's signal read model at once, a tombstone to neither", async () => {
    const key = `signal-${randomUUID()}`;
    await h.produce(TOPICS.signals, [
      { key, value: '' },
      { key, value: '{"id": "half' },
      { key, value: JSON.stringify({ id: randomUUID(), type: 'SignalReceived', payload: null }) },
    ]);
    const letters = await waitFor(
      async () => {
        const rows = await h.query<{ origin: string; error_code: string; attempts: number }>(
          "SELECT origin, error_code, attempts FROM dead_letters WHERE message_key = $1 AND origin IN ('consumer:intake.triage-queue', 'consumer:router.signals') ORDER BY origin, id",
          [key],
        );
        return rows.length === 4 ? rows : undefined;
      },
      { what: 'two dead letters for each consumer' },
    );
    expect(letters).toEqual([
      { origin: 'consumer:intake.triage-queue', error_code: 'MESSAGE.MALFORMED', attempts: 1 },
      { origin: 'consumer:intake.triage-queue', error_code: 'MESSAGE.MALFORMED', attempts: 1 },
      { origin: 'consumer:router.signals', error_code: 'MESSAGE.MALFORMED', attempts: 1 },
      { origin: 'consumer:router.signals', error_code: 'MESSAGE.MALFORMED', attempts: 1 },
    ]);
  });
});
