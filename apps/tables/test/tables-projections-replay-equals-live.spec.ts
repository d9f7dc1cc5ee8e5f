import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AVE_MODEL } from '#domain';
import { ProjectionReplayer, type Database } from '#eventstore';
import { DATABASE } from '#platform';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { DISCLOSURE_REGISTER_PROJECTION } from '../src/disclosures/disclosure-register.projection.js';
import { LIAISON_FEED_PROJECTION } from '../src/liaison/liaison-feed.projection.js';
import { REFERRAL_REGISTER_PROJECTION } from '../src/referrals/referral-register.projection.js';
import { appendSignals, draftSignals, keyringOf, registered, ScriptedCase, TABLES_APP, timersOf, zvhReferral } from './support/tables-fixtures.js';

/**
 * The tables' register, the liaison escalations with their feed and the disclosure register, rebuilt from
 * position 0 of the event log, on real PostgreSQL and Kafka, after a scripted flow: referrals accepted,
 * returned, reminded and overdue, and one rejected (a table nobody configured); an escalation raised, timed
 * out to the next attempt and acknowledged; one raised before its signals' facts arrived and sent again complete
 * when they did. Each rebuilt table must be hash-identical to the live one; a
 * tampered live row must show up as a difference; a blue-green switch leaves the product writing into the
 * rebuilt register.
 */

let h: AppHarness;
let replayer: ProjectionReplayer;
const ENSCHEDE = 'GM0153';
let zvhMember: string;
let liaison: string;
const referrals = { accepted: '', returned: '', overdue: '', rejected: '', open: '' };
let escalationId = '';
/** An escalation raised before its signals' facts arrived, sent again complete when they did. */
let supplementedId = '';

const path = (id: string, action: string) => `/v1/tables/zvh-casusoverleg/referrals/${id}${action}`;

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP] });
  replayer = new ProjectionReplayer(h.running.app.get<symbol, Database>(DATABASE, { strict: false }), [REFERRAL_REGISTER_PROJECTION, LIAISON_FEED_PROJECTION, DISCLOSURE_REGISTER_PROJECTION]);
  zvhMember = await h.token('table-member', [ENSCHEDE], { subject: 'zvh-petra', tables: ['zvh-casusoverleg'] });
  liaison = await h.token('police-liaison', [ENSCHEDE], { subject: 'agent-jansen' });

  referrals.accepted = (await zvhReferral(h, ENSCHEDE)).referralId;
  expect((await h.request('POST', path(referrals.accepted, '/accept'), { token: zvhMember })).status).toBe(200);
  referrals.returned = (await zvhReferral(h, ENSCHEDE)).referralId;
  expect((await h.request('POST', path(referrals.returned, '/return'), { token: zvhMember, body: { reason: 'Geen zorgvraag' } })).status).toBe(200);
  referrals.overdue = (await zvhReferral(h, ENSCHEDE)).referralId;
  const due = await registered(h, referrals.overdue);
  const timers = timersOf(h);
  if (due.remind_at) await timers.tick(new Date(due.remind_at));
  await timers.tick(new Date(due.accept_by));
  await waitFor(async () => (await h.query('SELECT 1 FROM table_referrals WHERE referral_id = $1 AND overdue_at IS NOT NULL', [referrals.overdue])).length > 0, { what: 'the overdue notice' });
  referrals.open = (await zvhReferral(h, ENSCHEDE)).referralId;

  const rejected = new ScriptedCase(h, ENSCHEDE);
  await rejected.open(AVE_MODEL, (await appendSignals(h, ENSCHEDE)).ids);
  referrals.rejected = await rejected.referDirectly('geen-tafel', 'Bestaat niet');
  expect(await registered(h, referrals.rejected)).toMatchObject({ status: 'rejected' });

  const escalated = new ScriptedCase(h, ENSCHEDE);
  await escalated.open(AVE_MODEL, (await appendSignals(h, ENSCHEDE)).ids);
  await escalated.walkTo(AVE_MODEL, 'ave-4');
  const row = await waitFor(async () => (await h.query<{ escalation_id: string; ack_due_at: string }>('SELECT escalation_id, ack_due_at FROM liaison_escalations WHERE case_id = $1', [escalated.caseId]))[0], {
    what: 'the escalation',
  });
  escalationId = row.escalation_id;
  await timers.tick(new Date(row.ack_due_at)); // tier 1 timed out: notified again
  expect((await h.request('POST', `/v1/liaison/escalations/${escalationId}/ack`, { token: liaison })).status).toBe(200);
  const report = { outcome: 'actie-ondernomen', text: 'Wijkagent is langs geweest' };
  expect((await h.request('POST', `/v1/liaison/escalations/${escalationId}/reports`, { token: liaison, body: report })).status).toBe(201);
  const late = draftSignals(h, ENSCHEDE);
  await late.append([late.ids[0]!]);
  const lateCase = new ScriptedCase(h, ENSCHEDE);
  await lateCase.open(AVE_MODEL, late.ids);
  await lateCase.walkTo(AVE_MODEL, 'ave-4');
  supplementedId = (
    await waitFor(async () => (await h.query<{ escalation_id: string }>('SELECT escalation_id FROM liaison_escalations WHERE case_id = $1', [lateCase.caseId]))[0], { what: 'the escalation without facts' })
  ).escalation_id;
  await waitFor(async () => (await h.query('SELECT 1 FROM tables_pending_escalation_facts WHERE escalation_id = $1', [supplementedId])).length === 1, { what: 'it waiting for facts' });
  await late.append(late.ids.slice(1));
  await waitFor(async () => (await h.query("SELECT 1 FROM liaison_feed WHERE escalation_id = $1 AND type = 'EscalationCaseSupplemented'", [supplementedId])).length === 1, { what: 'the complete case sent' });
  // A replay reads only below the oldest transaction in flight on the whole PostgreSQL server (so it never skips a
  // late commit), and a long write in another test file's database holds that back for a moment; the live tables
  // are fed over Kafka. The comparisons below are about replay, so they start once each replay reaches the live tables.
  for (const projection of [REFERRAL_REGISTER_PROJECTION.name, LIAISON_FEED_PROJECTION.name, DISCLOSURE_REGISTER_PROJECTION.name]) {
    await waitFor(async () => (await replayer.replay(projection)).identical, { what: `the replay of ${projection} to reach the live tables`, timeoutMs: 30_000 });
  }
}, 150_000);

afterAll(async () => {
  await h?.stop();
});

describe('replay of the tables projections', () => {
  it.each([REFERRAL_REGISTER_PROJECTION.name, LIAISON_FEED_PROJECTION.name, DISCLOSURE_REGISTER_PROJECTION.name])('rebuilds %s from position 0 hash-identical to the live tables', async (projection) => {
    const report = await replayer.replay(projection);
    expect(report.eventsRead).toBeGreaterThan(0);
    for (const table of report.tables) {
      expect({ table: table.table, identical: table.identical, differences: table.differences }).toEqual({ table: table.table, identical: true, differences: [] });
      expect(table.replayHash).toBe(table.liveHash);
      expect(table.replayRows).toBe(table.liveRows);
      expect(table.liveRows).toBeGreaterThan(0);
    }
    expect(report.identical).toBe(true);
  });

  it('folds every kind of register row: open, accepted, returned, reminded and overdue, rejected', async () => {
    const rows = await h.query<{ referral_id: string; status: string; reason: string | null; reminded_at: string | null; overdue_at: string | null; rejection: string | null }>(
      'SELECT referral_id, status, reason, reminded_at, overdue_at, rejection FROM table_referrals WHERE referral_id = ANY($1)',
      [Object.values(referrals)],
    );
    const by = Object.fromEntries(rows.map((r) => [r.referral_id, r]));
    expect(by[referrals.accepted]).toMatchObject({ status: 'accepted' });
    // The return reason is stored sealed under the case's key; opened, it is what the member wrote.
    expect(by[referrals.returned]).toMatchObject({ status: 'returned', reason: expect.stringMatching(/^pd1\./) });
    expect((await keyringOf(h).reveal(by[referrals.returned]!.reason)).value).toBe('Geen zorgvraag');
    expect(by[referrals.open]).toMatchObject({ status: 'open', overdue_at: null });
    expect(by[referrals.overdue]!.overdue_at).not.toBeNull();
    expect(by[referrals.rejected]).toMatchObject({ status: 'rejected', rejection: 'table-unknown' });
    const steps = await h.query<{ type: string }>('SELECT type FROM liaison_feed WHERE escalation_id = $1 ORDER BY transaction_id, seq', [escalationId]);
    expect(steps.map((s) => s.type)).toEqual(['EscalationRaised', 'EscalationTierNotified', 'EscalationAckTimedOut', 'EscalationTierNotified', 'EscalationAcknowledged', 'EscalationReportedBack']);
    const [escalation] = await h.query('SELECT last_report_outcome, last_reported_by FROM liaison_escalations WHERE escalation_id = $1', [escalationId]);
    expect(escalation).toEqual({ last_report_outcome: 'actie-ondernomen', last_reported_by: 'agent-jansen' });
    const completed = await h.query<{ type: string }>('SELECT type FROM liaison_feed WHERE escalation_id = $1 ORDER BY transaction_id, seq', [supplementedId]);
    expect(completed.map((s) => s.type)).toEqual(['EscalationRaised', 'EscalationTierNotified', 'EscalationCaseSupplemented']);
    const [{ summary }] = (await h.query<{ summary: { case: { subjectName: unknown[] } } }>('SELECT summary FROM liaison_escalations WHERE escalation_id = $1', [supplementedId])) as [{ summary: { case: { subjectName: unknown[] } } }];
    expect(summary.case.subjectName).toHaveLength(1);
    expect(await h.query('SELECT 1 FROM table_disclosures WHERE subject_ref = $1', [`escalation-${supplementedId}`])).toHaveLength(2);
  });

  it('reports a tampered register row and a deleted feed row, with the live and the replayed values', async () => {
    await h.query(`UPDATE table_referrals SET status = 'open', decided_by = NULL WHERE referral_id = $1`, [referrals.accepted]);
    const register = await replayer.replay(REFERRAL_REGISTER_PROJECTION.name);
    expect(register.identical).toBe(false);
    expect(register.tables[0]).toMatchObject({ identical: false, differenceCount: 1 });
    expect(register.tables[0]!.liveHash).not.toBe(register.tables[0]!.replayHash);
    expect(register.tables[0]!.differences).toEqual([
      {
        key: { referral_id: referrals.accepted },
        kind: 'different',
        columns: expect.arrayContaining(['status', 'decided_by']),
        live: expect.objectContaining({ status: 'open', decided_by: null }),
        replay: expect.objectContaining({ status: 'accepted', decided_by: 'zvh-petra' }),
      },
    ]);

    const [acknowledged] = await h.query<{ event_id: string }>(`SELECT event_id FROM liaison_feed WHERE escalation_id = $1 AND type = 'EscalationAcknowledged'`, [escalationId]);
    await h.query('DELETE FROM liaison_feed WHERE event_id = $1', [acknowledged!.event_id]);
    await h.query(`UPDATE liaison_escalations SET status = 'open' WHERE escalation_id = $1`, [escalationId]);
    const liaisonReport = await replayer.replay(LIAISON_FEED_PROJECTION.name);
    const [escalations, feed] = liaisonReport.tables;
    expect(escalations).toMatchObject({ table: 'liaison_escalations', identical: false, differences: [{ key: { escalation_id: escalationId }, kind: 'different', columns: ['status'] }] });
    expect(feed).toMatchObject({ table: 'liaison_feed', identical: false, differences: [{ key: { event_id: acknowledged!.event_id }, kind: 'missing-in-live', live: null }] });
  });

  it('switches the rebuilt register in (blue-green), and the product keeps writing into it', async () => {
    const report = await replayer.replay(REFERRAL_REGISTER_PROJECTION.name, { switch: true });
    expect(report.switched?.previousTables).toEqual({ table_referrals: expect.stringMatching(/^table_referrals_previous_/) });
    expect((await h.query<{ status: string }>('SELECT status FROM table_referrals WHERE referral_id = $1', [referrals.accepted]))[0]?.status).toBe('accepted');
    const res = await h.request('POST', path(referrals.open, '/accept'), { token: zvhMember });
    expect(res.status).toBe(200);
    expect((await h.query<{ status: string }>('SELECT status FROM table_referrals WHERE referral_id = $1', [referrals.open]))[0]?.status).toBe('accepted');
    // The register is also fed over Kafka (the case's answer comes back from the router): poll until it caught up;
    // a real divergence never converges and fails with its differences.
    let last: Awaited<ReturnType<typeof replayer.replay>> | undefined;
    await waitFor(async () => (last = await replayer.replay(REFERRAL_REGISTER_PROJECTION.name)).identical, { what: 'the register identical to its replay' }).catch((error: unknown) => {
      throw new Error(`the register never became identical to its replay: ${JSON.stringify(last?.tables.map((t) => t.differences))}`, { cause: error });
    });
  });
});
