import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REFERRAL_TOPICS } from '#contracts';
import { AVE_MODEL, summarizeTableStatistics } from '#domain';
import { ProjectionReplayer } from '#eventstore';
import { startProcess, type RunningProcess } from '#platform';
import { httpRequest, startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import type { TopicWatcher } from '../../../test/support/kafka-probe.js';
import { DISCLOSURE_REGISTER_PROJECTION } from '../src/disclosures/disclosure-register.projection.js';
import { LIAISON_FEED_PROJECTION } from '../src/liaison/liaison-feed.projection.js';
import { TableStatisticsRepository } from '../src/statistics/table-statistics.repository.js';
import { TablesTimers } from '../src/timers/tables-timers.js';
import { tablesWithoutInPoliceRegion } from './support/police-region-config.js';
import { appendSignals, envelopeOf, expectProblem, ScriptedCase, TABLES_APP } from './support/tables-fixtures.js';

/**
 * An escalation raised while the politie table served its municipality keeps running its tiers only while it still
 * does. After a restart with a TABLES_CONFIG_FILE that takes the municipality out of the region (and out of its
 * escalation policy: a policy naming a municipality the politie table does not serve is refused), no liaison can
 * acknowledge it any more. Before, the timer kept notifying tiers nobody could answer, and the coordinator heard of
 * it only when every tier ran out (an hour with the Twente tiers). Now its next timeout alerts the coordinator, saying
 * why (`reason: 'municipality-no-longer-served'`), which the coordinator's list shows as `alertReason` and the table
 * statistics count apart from the escalations whose every tier ran out. On real
 * PostgreSQL and Kafka: the restarted process is a second one on the same database with the new file.
 */

let h: AppHarness;
let restarted: RunningProcess;
let watcher: TopicWatcher;
let work: string;
const ENSCHEDE = 'GM0153';
const HENGELO = 'GM0164';
let coordinator: string;
let liaisonEnschede: string;
const escalations = { enschede: { id: '', caseId: '', dueAt: '' }, hengelo: { id: '', caseId: '', dueAt: '' } };

/** An AVE case of `municipality` taken to AVE 4, and the escalation it raised (tier 1 notified). */
async function escalatedIn(municipality: string): Promise<{ id: string; caseId: string; dueAt: string }> {
  const c = new ScriptedCase(h, municipality);
  await c.open(AVE_MODEL, (await appendSignals(h, municipality)).ids);
  await c.walkTo(AVE_MODEL, 'ave-4');
  const row = await waitFor(async () => (await h.query<{ escalation_id: string; ack_due_at: Date }>('SELECT escalation_id, ack_due_at FROM liaison_escalations WHERE case_id = $1', [c.caseId]))[0], {
    what: `the escalation of case ${c.caseId}`,
  });
  return { id: row.escalation_id, caseId: c.caseId, dueAt: new Date(row.ack_due_at).toISOString() };
}

const row = async (id: string) => (await h.query<Record<string, any>>('SELECT status, tier_index, attempt, ack_due_at, alert_reason, version FROM liaison_escalations WHERE escalation_id = $1', [id]))[0]!;
const steps = (id: string) => h.query<{ type: string; data: Record<string, unknown> }>('SELECT type, data FROM liaison_feed WHERE escalation_id = $1 ORDER BY transaction_id, seq', [id]);

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP] });
  work = await mkdtemp(path.join(tmpdir(), 'sr-region-change-'));
  watcher = await h.watch([REFERRAL_TOPICS.liaisonEscalations]);
  coordinator = await h.token('coordinator', [ENSCHEDE, HENGELO], { subject: 'coordinator-anna' });
  liaisonEnschede = await h.token('police-liaison', [ENSCHEDE], { subject: 'agent-jansen' });
  escalations.enschede = await escalatedIn(ENSCHEDE);
  escalations.hengelo = await escalatedIn(HENGELO);
  // The first process goes on running with the built-in tables: its timers run on the real clock, a quarter of an
  // hour before any tier here is due, so only the restarted process moves these escalations.
  restarted = await startProcess([TABLES_APP], { env: { ...h.env, TABLES_CONFIG_FILE: await tablesWithoutInPoliceRegion(work, ENSCHEDE) }, firstPruneAfterMs: 3_600_000 });
}, 120_000);

afterAll(async () => {
  await restarted?.app.close();
  await h?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('after a restart that takes its municipality out of the politie table’s region', () => {
  it('an escalation waiting for a liaison goes to the coordinator at its next timeout, saying why, instead of notifying the next tier', async () => {
    const timers = restarted.app.get(TablesTimers, { strict: false });
    const before = await row(escalations.enschede.id);
    expect(before).toMatchObject({ status: 'open', tier_index: 0, attempt: 1, alert_reason: null, version: 2 });

    await timers.tick(new Date(Date.parse(escalations.enschede.dueAt) - 1));
    expect((await row(escalations.enschede.id)).version).toBe(2);

    // Hengelo's tier runs out later: one round at that moment moves both.
    await timers.tick(new Date(escalations.hengelo.dueAt));
    expect(await row(escalations.enschede.id)).toMatchObject({ status: 'coordinator-alerted', ack_due_at: null, alert_reason: 'municipality-no-longer-served', version: 4 });
    const enschede = await steps(escalations.enschede.id);
    expect(enschede.map((s) => s.type)).toEqual(['EscalationRaised', 'EscalationTierNotified', 'EscalationAckTimedOut', 'EscalationCoordinatorAlerted']);
    expect(enschede[3]!.data).toMatchObject({ tiersTried: ['dienstdoende-liaison'], reason: 'municipality-no-longer-served' });

    // Hengelo is still served: its duty liaison is notified again, as before.
    expect(await row(escalations.hengelo.id)).toMatchObject({ status: 'open', tier_index: 0, attempt: 2, alert_reason: null, version: 4 });
    expect((await steps(escalations.hengelo.id)).map((s) => s.type).slice(-1)).toEqual(['EscalationTierNotified']);

    // The police, who received its earlier steps, learn on their topic that it went to the coordinator.
    const [alert] = await watcher.waitFor((m) => m.key === `escalation-${escalations.enschede.id}` && envelopeOf(m).type === 'EscalationCoordinatorAlerted');
    expect(envelopeOf(alert!).payload).toMatchObject({ reason: 'municipality-no-longer-served', tiersTried: ['dienstdoende-liaison'] });
  });

  it("is in the coordinator's list of alerts with alertReason municipality-no-longer-served; no liaison can acknowledge it", async () => {
    const alerts = await httpRequest(restarted.url!, 'GET', '/v1/liaison/escalations?status=coordinator-alerted', { token: coordinator });
    expect(alerts.status).toBe(200);
    expect(alerts.body.items).toEqual([
      expect.objectContaining({ escalationId: escalations.enschede.id, caseId: escalations.enschede.caseId, status: 'coordinator-alerted', alertReason: 'municipality-no-longer-served' }),
    ]);
    const one = await httpRequest(restarted.url!, 'GET', `/v1/liaison/escalations/${escalations.enschede.id}`, { token: coordinator });
    expect(one.body).toMatchObject({ status: 'coordinator-alerted', alertReason: 'municipality-no-longer-served' });
    expectProblem(await httpRequest(restarted.url!, 'POST', `/v1/liaison/escalations/${escalations.enschede.id}/ack`, { token: liaisonEnschede }), 404, 'ESCALATION.NOT_FOUND');
  });

  it('is counted in the table statistics as with the coordinator because the politie table no longer serves its municipality', async () => {
    const repository = restarted.app.get(TableStatisticsRepository, { strict: false });
    expect(summarizeTableStatistics([], await repository.escalations(ENSCHEDE, null, null), new Date()).escalations).toMatchObject({
      raised: 1,
      coordinatorAlerted: 1,
      coordinatorAlertedByReason: [
        { reason: 'tiers-exhausted', coordinatorAlerted: 0 },
        { reason: 'municipality-not-served', coordinatorAlerted: 0 },
        { reason: 'municipality-no-longer-served', coordinatorAlerted: 1 },
      ],
      open: 0,
    });
    const res = await httpRequest(restarted.url!, 'GET', `/v1/statistics/tables?municipality=${ENSCHEDE}`, { token: coordinator });
    expect(res.status).toBe(200);
    expect(res.body.escalations.coordinatorAlertedByReason).toEqual([
      { reason: 'tiers-exhausted', coordinatorAlerted: 0 },
      { reason: 'municipality-not-served', coordinatorAlerted: 0 },
      { reason: 'municipality-no-longer-served', coordinatorAlerted: '<5' },
    ]);
  });

  it('rebuilds the liaison feed (with the escalation rows) and the disclosure register hash-identical to the live tables', async () => {
    const replayer = new ProjectionReplayer(h.db, [LIAISON_FEED_PROJECTION, DISCLOSURE_REGISTER_PROJECTION]);
    for (const projection of [LIAISON_FEED_PROJECTION.name, DISCLOSURE_REGISTER_PROJECTION.name]) {
      // A replay reads only below the oldest transaction in flight on the whole server: poll until it reaches the live tables.
      let last: Awaited<ReturnType<typeof replayer.replay>> | undefined;
      await waitFor(async () => (last = await replayer.replay(projection)).identical, { what: `the replay of ${projection}`, timeoutMs: 30_000 }).catch((error: unknown) => {
        throw new Error(`${projection} never became identical to its replay: ${JSON.stringify(last?.tables.map((t) => t.differences))}`, { cause: error });
      });
    }
  });
});
