import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BUILT_IN_TABLES_CONFIG, type TablesConfig } from '#domain';
import { loadConfig } from '#platform';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { checkRouterConfiguration } from '../src/router.configuration.js';
import { anotherCaseCommandService } from './support/another-case-command-service.js';
import { openedCase, PRODUCT_APPS, sendSignal, twoMunicipalities, walk } from './support/router-fixtures.js';

/**
 * Over HTTP on real PostgreSQL and Kafka: working days follow the Algemene termijnenwet, plus the closing days a
 * municipality lists in the regional configuration (`calendars` in TABLES_CONFIG_FILE). Both municipalities here run
 * an undermining intake whose terms are in working days, counted from the report of Monday 22 December 2025; one of
 * them is closed on Wednesday 31 December 2025, so each of its terms is due one working day later (New Year's Day
 * is a holiday for both). A due moment is stored with the term when it is computed: a process started later with
 * another calendar does not move it, and only terms it computes itself count the new calendar.
 */

let h: AppHarness;
const [closed, open] = twoMunicipalities();
/** Monday 22 December 2025, 10:00 in the Netherlands. */
const REPORTED_AT = '2025-12-22T09:00:00.000Z';
const CLOSING_DAY = '2025-12-31';
let coordinator: string;
let configDir: string;

const WORKING_DAYS = (amount: number) => ({ amount, unit: 'working-days' as const });

beforeAll(async () => {
  const config: TablesConfig = {
    ...BUILT_IN_TABLES_CONFIG,
    tables: BUILT_IN_TABLES_CONFIG.tables.map((t) => ({ ...t, municipalities: [...t.municipalities, closed, open] })),
    calendars: [{ municipality: closed, closingDays: [CLOSING_DAY] }],
  };
  configDir = await mkdtemp(path.join(tmpdir(), 'sr-calendars-'));
  const file = path.join(configDir, 'tables.json');
  await writeFile(file, JSON.stringify(config));
  // The background deadline round is slowed down: these terms lie in the past, and only their due moments matter here.
  h = await startApp({ apps: PRODUCT_APPS, env: { TABLES_CONFIG_FILE: file, DEADLINE_POLL_INTERVAL_MS: '3600000' } });
  coordinator = await h.token('coordinator', [closed, open], { subject: 'coordinator-anna' });
  const admin = await h.token('admin', [closed, open], { subject: 'beheerder-kees' });

  // The intake both municipalities publish: 5 working days to pick a report up (warned 1 working day ahead), running on
  // into weging 1, and 10 working days from the report to finish weging 2.
  const v1 = await h.request('GET', '/v1/models/ondermijning-intake/versions/1', { token: admin });
  expect(v1.status).toBe(200);
  const v2 = {
    ...structuredClone(v1.body.definition),
    version: 2,
    municipalities: [closed, open],
    deadlines: [
      { id: 'oppakken', state: 'ontvangst', runsIn: ['weging-1'], startsOn: 'signal-received', duration: WORKING_DAYS(5), approachingLeadTime: WORKING_DAYS(1) },
      { id: 'weging-2-afgerond', state: 'weging-2', startsOn: 'signal-received', duration: WORKING_DAYS(10) },
    ],
  };
  const published = await h.request('POST', '/v1/models', { token: admin, body: v2 });
  expect({ status: published.status, code: published.body?.code }).toEqual({ status: 201, code: undefined });
});

afterAll(async () => {
  await h?.stop();
});

/** A case opened on the report of 22 December 2025 in `municipality`. */
async function caseReportedOn22December(municipality: string) {
  const signalId = await sendSignal(h, coordinator, 'mma', municipality, { receivedAt: REPORTED_AT });
  const opened = await openedCase(h, coordinator, { model: 'ondermijning-intake', signalIds: [signalId] });
  expect(opened.body).toMatchObject({ municipality, signalReceivedAt: REPORTED_AT, model: { id: 'ondermijning-intake', version: 2 } });
  return opened;
}

const termOf = (body: { deadlines: { definitionId: string; status: string }[] }, definitionId: string) =>
  body.deadlines.find((d) => d.definitionId === definitionId && d.status === 'running') as { dueAt: string; approachingAt: string | null } | undefined;

describe("a working-day term counts the case's municipality's closing days", () => {
  it('a term opened with the case is due one working day later in the municipality closed on 31 December', async () => {
    const inOpen = await caseReportedOn22December(open);
    const inClosed = await caseReportedOn22December(closed);
    // 23, 24, 29, 30, 31 December (25 and 26 December are holidays, 27 and 28 the weekend): due at the end of 31 December.
    expect(termOf(inOpen.body, 'oppakken')).toMatchObject({ dueAt: '2025-12-31T23:00:00.000Z', approachingAt: '2025-12-30T23:00:00.000Z' });
    // 31 December closed and 1 January a holiday: the 5th working day is Friday 2 January, warned at its start.
    expect(termOf(inClosed.body, 'oppakken')).toMatchObject({ dueAt: '2026-01-02T23:00:00.000Z', approachingAt: '2026-01-01T23:00:00.000Z' });
    const [stored] = await h.query<{ payload: { dueAt: string } }>("SELECT payload FROM events WHERE stream_id = $1 AND type = 'DeadlineOpened'", [`case-${inClosed.body.caseId}`]);
    expect(stored!.payload.dueAt).toBe('2026-01-02T23:00:00.000Z');
  });

  it('a term opened by a transition too: 10 working days end on 8 January, and on 9 January where 31 December is closed', async () => {
    const toWeging2 = [{ transition: 'start-weging' }, { transition: 'ondermijnend' }];
    const inOpen = await caseReportedOn22December(open);
    const inClosed = await caseReportedOn22December(closed);
    const walkedOpen = await walk(h, coordinator, inOpen.body.caseId, inOpen.headers.get('etag')!, toWeging2);
    const walkedClosed = await walk(h, coordinator, inClosed.body.caseId, inClosed.headers.get('etag')!, toWeging2);
    expect(termOf(walkedOpen.body, 'weging-2-afgerond')?.dueAt).toBe('2026-01-08T23:00:00.000Z');
    expect(termOf(walkedClosed.body, 'weging-2-afgerond')?.dueAt).toBe('2026-01-09T23:00:00.000Z');
  });

  it('a calendar changed later moves no term computed before; a term computed after the change counts it', async () => {
    const opened = await caseReportedOn22December(open);
    const caseId: string = opened.body.caseId;
    // "A process started with a changed file": the open municipality now closes on 31 December too.
    const changed = anotherCaseCommandService(h.running.app, undefined, (municipality) => (municipality === open ? { extraHolidays: [CLOSING_DAY] } : undefined));
    const principal = { subject: 'coordinator-anna', role: 'coordinator' as const, municipalities: [open], tables: [] };
    const actor = { id: 'x', role: 'coordinator' as const };

    const kept = await changed.execute(caseId, { type: 'TakeTransition', transition: 'start-weging', actor }, { principal });
    expect(kept.events.map((e) => e.type)).toEqual(['CaseTransitioned']);
    expect(kept.state.status === 'open' && termOf(kept.state, 'oppakken')).toMatchObject({ dueAt: '2025-12-31T23:00:00.000Z', approachingAt: '2025-12-30T23:00:00.000Z' });

    const next = await changed.execute(caseId, { type: 'TakeTransition', transition: 'ondermijnend', actor }, { principal });
    expect(next.state.status === 'open' && termOf(next.state, 'weging-2-afgerond')?.dueAt).toBe('2026-01-09T23:00:00.000Z');
    const read = await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator });
    expect(termOf(read.body, 'weging-2-afgerond')?.dueAt).toBe('2026-01-09T23:00:00.000Z');
  });
});

describe('the router checks the calendars before it starts', () => {
  it('a municipality listed twice stops the start-up before the database is touched, naming the file, the path and the code', async () => {
    const file = path.join(configDir, 'twice.json');
    const calendars = [{ municipality: closed, closingDays: [CLOSING_DAY] }, { municipality: closed, closingDays: ['2026-12-31'] }];
    await writeFile(file, JSON.stringify({ ...BUILT_IN_TABLES_CONFIG, tables: BUILT_IN_TABLES_CONFIG.tables.map((t) => ({ ...t, municipalities: [...t.municipalities, closed] })), calendars }));
    const stored = { open: async () => { throw new Error('the database was opened'); } };
    await expect(checkRouterConfiguration(loadConfig({ TABLES_CONFIG_FILE: file }), stored)).rejects.toMatchObject({
      code: 'TABLES.CONFIG_INVALID',
      message: expect.stringContaining(`TABLES_CONFIG_FILE ${file}: invalid tables configuration:\n  - calendars[1].municipality: ${closed} already has a calendar (calendars[0]); list all its closing days there (CALENDAR.MUNICIPALITY_DUPLICATE)`),
      details: expect.objectContaining({ problems: [expect.objectContaining({ code: 'CALENDAR.MUNICIPALITY_DUPLICATE' })] }),
    });
  });
});
