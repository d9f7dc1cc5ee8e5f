import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, waitFor, type AppHarness, type HarnessResponse } from '../../../test/support/app-harness.js';
import { replayConverges } from '../../../test/support/replay-converges.js';
import { openedCase, PRODUCT_APPS, sendSignal, walk } from '../../router/test/support/router-fixtures.js';
import { TABLES_APP } from '../../tables/test/support/tables-fixtures.js';
import { AUDIT_APP } from '../src/audit.app.js';

/**
 * Replay on real PostgreSQL (and Kafka) after an end-to-end flow through the whole product: signals enter
 * intake over HTTP, one is dismissed, two become cases that move through their models, one case is referred
 * to the RIEC. Every projection rebuilt from position 0 must be hash-identical to its live tables (the
 * Kafka-fed ones once their consumers have caught up); a tampered live row must show up as a difference;
 * only an admin may switch the rebuilt tables in, and afterwards the product keeps writing into them.
 */

let h: AppHarness;
const ENSCHEDE = 'GM0153';
let auditor: string;
let admin: string;
let coordinator: string;
const signals: Record<'tip' | 'other' | 'zorg' | 'intern', string> = { tip: '', other: '', zorg: '', intern: '' };
let riecCase = '';
let aveCase = '';
let aveEtag = '';

const replay = (body: Record<string, unknown>, token = auditor): Promise<HarnessResponse> => h.request('POST', '/v1/audit/replay', { token, body });

async function queueStatus(signalId: string): Promise<string | undefined> {
  return (await h.query<{ status: string }>('SELECT status FROM triage_queue WHERE signal_id = $1', [signalId]))[0]?.status;
}

async function routerStatus(signalId: string): Promise<string | undefined> {
  return (await h.query<{ status: string }>('SELECT status FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [signalId]))[0]?.status;
}

beforeAll(async () => {
  h = await startApp({ apps: [...PRODUCT_APPS, TABLES_APP, AUDIT_APP] });
  auditor = await h.token('auditor', undefined, { subject: 'auditor-ada' });
  admin = await h.token('admin', undefined, { subject: 'admin-bea' });
  coordinator = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-anna' });
  const intake = await h.token('intake-system', [ENSCHEDE], { subject: 'connector-meldpunt' });

  signals.tip = await sendSignal(h, intake, 'mma', ENSCHEDE);
  signals.other = await sendSignal(h, intake, 'mma', ENSCHEDE);
  signals.zorg = await sendSignal(h, intake, 'zorgmelding', ENSCHEDE);
  signals.intern = await sendSignal(h, intake, 'intern-meldpunt', ENSCHEDE);

  const riec = await openedCase(h, coordinator, { model: 'ondermijning-intake', signalIds: [signals.tip] });
  riecCase = riec.body.caseId;
  await walk(h, coordinator, riecCase, riec.headers.get('etag')!, [
    { transition: 'start-weging' },
    { transition: 'ondermijnend' },
    { transition: 'gemeentelijke-taak' },
    { transition: 'besluit-riec', reason: 'Concreet, recent en boven de eigen mogelijkheden' },
  ]);
  expect((await h.request('POST', `/v1/cases/${riecCase}/referrals`, { token: coordinator, body: { table: 'riec', reason: 'Ondermijning: RIEC neemt regie' } })).status).toBe(200);

  const ave = await openedCase(h, coordinator, { model: 'ave', signalIds: [signals.zorg] });
  aveCase = ave.body.caseId;
  const walked = await walk(h, coordinator, aveCase, ave.headers.get('etag')!, [{ transition: 'opschalen-ave-2', reasonCategory: 'complexiteit', reason: 'Problemen op meerdere leefgebieden' }]);
  aveEtag = walked.headers.get('etag')!;

  await waitFor(async () => {
    const res = await h.request('POST', `/v1/signals/${signals.intern}/dismissal`, { token: coordinator, body: { reason: 'Geen gemeentelijke taak' } });
    return res.status === 200 || res.status === 201 ? res : undefined;
  }, { what: 'the dismissal' });

  // The Kafka-fed read models catch up asynchronously: wait until both show the whole flow.
  const expected = { [signals.tip]: 'in-behandeling', [signals.other]: 'nieuw', [signals.zorg]: 'in-behandeling', [signals.intern]: 'afgewezen' };
  await waitFor(async () => {
    for (const [id, status] of Object.entries(expected)) {
      if ((await queueStatus(id)) !== status || (await routerStatus(id)) !== status) return false;
    }
    return true;
  }, { what: 'the triage queue and router signals to show the flow', timeoutMs: 30_000 });
  await waitFor(async () => (await h.query('SELECT 1 FROM table_referrals')).length > 0, { what: 'the referral in the RIEC register' });
  // Under load a consumer may still be applying events the statuses above do not show (e.g. a case link): the
  // comparisons below are about replay, not about lag, so start them once the live models have caught up.
  for (const projection of ['triage-queue', 'router-signals']) {
    await waitFor(async () => ((await replay({ projection })).body?.identical === true ? true : undefined), { what: `${projection} to catch up with the log`, timeoutMs: 30_000 });
  }
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('POST /v1/audit/replay', () => {
  it('lists the projections of the running apps', async () => {
    const res = await h.request('GET', '/v1/audit/projections', { token: auditor });
    expect(res.status).toBe(200);
    expect(res.body.items.map((p: { name: string }) => p.name).sort()).toEqual(['case-view', 'liaison-feed', 'router-signals', 'subjects', 'table-disclosures', 'table-referrals', 'tables-case-sheets', 'triage-queue']);
  });

  it.each(['triage-queue', 'router-signals', 'case-view'])('rebuilds %s from position 0 hash-identical to the live tables', async (projection) => {
    const res = await replay({ projection });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ projection, identical: true, switched: null, keptTables: null });
    expect(res.body.eventsRead).toBeGreaterThan(0);
    for (const table of res.body.tables) {
      expect({ table: table.table, identical: table.identical, differences: table.differences }).toEqual({ table: table.table, identical: true, differences: [] });
      expect(table.replayHash).toBe(table.liveHash);
      expect(table.replayRows).toBe(table.liveRows);
    }
    expect(res.body.tables[0].liveRows).toBeGreaterThanOrEqual(2);
    // A comparison leaves nothing behind.
    expect(await h.query("SELECT tablename FROM pg_tables WHERE tablename LIKE '%\\_replay\\_%'")).toEqual([]);
  });

  it("rebuilds the tables' register from the whole product's log hash-identical to the live register (the RIEC referral)", async () => {
    const res = await replay({ projection: 'table-referrals' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ projection: 'table-referrals', identical: true, tables: [{ table: 'table_referrals', liveRows: 1, replayRows: 1, differences: [] }] });
  });

  it('reports a tampered live row: which row, which column, live and replayed value', async () => {
    await h.query(`UPDATE triage_queue SET status = 'nieuw' WHERE signal_id = $1`, [signals.tip]);
    const res = await replay({ projection: 'triage-queue' });
    expect(res.status).toBe(200);
    expect(res.body.identical).toBe(false);
    const queue = res.body.tables.find((t: { table: string }) => t.table === 'triage_queue');
    expect(queue).toMatchObject({ identical: false, differenceCount: 1, liveRows: 4, replayRows: 4 });
    expect(queue.liveHash).not.toBe(queue.replayHash);
    expect(queue.differences).toEqual([
      { key: { signal_id: signals.tip }, kind: 'different', columns: ['status'], live: expect.objectContaining({ status: 'nieuw' }), replay: expect.objectContaining({ status: 'in-behandeling' }) },
    ]);
  });

  it('reports a deleted case_view row as missing in the live table', async () => {
    await h.query('DELETE FROM case_view WHERE case_id = $1', [aveCase]);
    const res = await replay({ projection: 'case-view' });
    expect(res.body.identical).toBe(false);
    expect(res.body.tables[0]).toMatchObject({ differenceCount: 1, differences: [{ key: { case_id: aveCase }, kind: 'missing-in-live', live: null }] });
  });

  it('answers REPLAY.PROJECTION_UNKNOWN for a projection nobody registered, and validates the request', async () => {
    const res = await replay({ projection: 'no-such-projection' });
    expect({ status: res.status, code: res.body?.code }).toEqual({ status: 404, code: 'REPLAY.PROJECTION_UNKNOWN' });
    expect(res.contentType).toMatch(/^application\/problem\+json/);
    expect((await replay({ projection: 'Triage Queue; DROP TABLE events' })).status).toBe(400);
    expect((await replay({})).status).toBe(400);
  });

  it('lets an auditor compare but not switch, and nobody else in', async () => {
    const res = await replay({ projection: 'triage-queue', switch: true });
    expect({ status: res.status, code: res.body?.code }).toEqual({ status: 403, code: 'AUTH.ROLE_NOT_ALLOWED' });
    expect(await queueStatus(signals.tip)).toBe('nieuw'); // nothing was switched
    expect((await replay({ projection: 'triage-queue' }, coordinator)).status).toBe(403);
  });

  it('switches blue-green on an admin request: the rebuilt tables become live and the product keeps writing into them', async () => {
    const res = await replay({ projection: 'triage-queue', switch: true }, admin);
    expect(res.status).toBe(200);
    expect(res.body.switched.previousTables).toEqual({ triage_queue: expect.stringMatching(/^triage_queue_previous_/) });
    expect(res.body.identical).toBe(false); // what the switch replaced: the tampered row
    expect(await queueStatus(signals.tip)).toBe('in-behandeling');
    await replayConverges(h, auditor, 'triage-queue');

    const cases = await replay({ projection: 'case-view', switch: true }, admin);
    expect(cases.status).toBe(200);
    // The restored row is what commands load: the case moves on from it.
    const next = await walk(h, coordinator, aveCase, aveEtag, [{ transition: 'opschalen-ave-3', reasonCategory: 'complexiteit', reason: 'Meer zorgen' }]);
    expect(next.body.currentState).toBe('ave-3');

    const intake = await h.token('intake-system', [ENSCHEDE], { subject: 'connector-meldpunt' });
    const late = await sendSignal(h, intake, 'mma', ENSCHEDE);
    await waitFor(async () => (await queueStatus(late)) === 'nieuw', { what: 'a new signal in the switched-in triage queue' });
    for (const projection of ['triage-queue', 'case-view']) await replayConverges(h, auditor, projection);
  });
});
