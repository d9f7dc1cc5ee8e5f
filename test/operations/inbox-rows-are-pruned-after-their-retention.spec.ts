import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INBOX_PRUNER, type InboxPruner } from '#platform';
import { INTAKE_APP, mmaPayload, testMunicipality } from '../../apps/intake/test/support/intake-fixtures.js';
import { TRIAGE_QUEUE_CONSUMER } from '../../apps/intake/src/triage-queue/triage-queue.projection.js';
import { resolveInfra, startApp, waitFor, type AppHarness } from '../support/app-harness.js';

const DAY = 24 * 3_600_000;

/**
 * A consumer's inbox rows (how it recognises a redelivered message) are kept `INBOX_RETENTION_DAYS` (30) and
 * then pruned, so the table does not grow with every message ever consumed. Only rows of this process's own
 * consumers go, and only once the topics they read can no longer deliver the message: start-up refuses a
 * retention that is too short for the topics, on the broker the process really uses.
 */
describe('inbox retention', () => {
  it('refuses to start when a consumed topic may deliver a message after its inbox row would be pruned', async () => {
    // Kafka's topics here keep messages up to 14 days (7 days retention + 7 days segment), the in-process transport 7.
    const [days, needed] = (await resolveInfra()).kafka ? [14, 15] : [7, 8];
    // Named as the broker knows them: with the deployment's topic prefix.
    const prefix = `acc-${randomBytes(4).toString('hex')}.`;
    const refused = startApp({ apps: [INTAKE_APP], env: { INBOX_RETENTION_DAYS: String(days), KAFKA_TOPIC_PREFIX: prefix } });
    await expect(refused).rejects.toThrow(
      `INBOX_RETENTION_DAYS: topic ${prefix}signaalroute.cases.v1 may deliver a message up to ${days} days after publication (retention.ms + segment.ms), so INBOX_RETENTION_DAYS must be at least ${needed}`,
    );
    await expect(refused).rejects.toThrow(`topic ${prefix}signaalroute.signals.v1 may deliver`);
    // One more day is enough.
    const h = await startApp({ apps: [INTAKE_APP], env: { INBOX_RETENTION_DAYS: String(needed) } });
    await h.stop();
  });

  describe('with the default of 30 days', () => {
    let h: AppHarness;
    let now = Date.now();
    const started = now;
    beforeAll(async () => {
      h = await startApp({ apps: [INTAKE_APP], clock: () => new Date(now) });
    });
    afterAll(async () => h?.stop());

    const inboxRow = async (consumer: string, messageId: string) =>
      (await h.query('SELECT 1 FROM inbox WHERE consumer = $1 AND message_id = $2', [consumer, messageId])).length === 1;

    it('forgets the rows of its own consumers once they are older than the retention, and nothing else', async () => {
      const municipality = testMunicipality();
      const coordinator = await h.token('coordinator', [municipality]);
      const res = await h.request('POST', '/v1/signals/mma', { token: coordinator, body: mmaPayload(municipality) });
      expect(res.status).toBe(201);
      const [event] = await h.query<{ id: string }>('SELECT id FROM events WHERE stream_id = $1', [`signal-${res.body.signalId}`]);
      // The triage queue applied the signal's event: its inbox row exists.
      await waitFor(async () => (await inboxRow(TRIAGE_QUEUE_CONSUMER, event!.id)) || undefined, { what: 'the triage queue inbox row' });
      // A consumer of another process on the same database, with a row older than any retention.
      await h.query(`INSERT INTO inbox (consumer, message_id, processed_at) VALUES ('another-process.consumer', 'm-1', now() - interval '400 days')`);
      const pruner = h.running.app.get<symbol, InboxPruner>(INBOX_PRUNER, { strict: false });

      now = started + 29 * DAY;
      expect(await pruner.runNow()).toBe(0);
      expect(await inboxRow(TRIAGE_QUEUE_CONSUMER, event!.id)).toBe(true);

      now = started + 31 * DAY;
      expect(await pruner.runNow()).toBeGreaterThanOrEqual(1);
      expect(await inboxRow(TRIAGE_QUEUE_CONSUMER, event!.id)).toBe(false);
      expect(await inboxRow('another-process.consumer', 'm-1')).toBe(true);

      const metrics = await h.request('GET', '/metrics');
      expect(metrics.text).toMatch(/^signaalroute_inbox_pruned_rows_total [1-9]\d*$/m);
    });
  });

  it('keeps every row when INBOX_RETENTION_DAYS is 0', async () => {
    let now = Date.now();
    const h = await startApp({ apps: [INTAKE_APP], env: { INBOX_RETENTION_DAYS: '0' }, clock: () => new Date(now) });
    try {
      await h.query(`INSERT INTO inbox (consumer, message_id, processed_at) VALUES ($1, 'old', now() - interval '4000 days')`, [TRIAGE_QUEUE_CONSUMER]);
      now += 5000 * DAY;
      expect(await h.running.app.get<symbol, InboxPruner>(INBOX_PRUNER, { strict: false }).runNow()).toBe(0);
      expect(await h.query(`SELECT 1 FROM inbox WHERE consumer = $1 AND message_id = 'old'`, [TRIAGE_QUEUE_CONSUMER])).toHaveLength(1);
    } finally {
      await h.stop();
    }
  });
});
