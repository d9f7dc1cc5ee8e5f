import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS } from '#contracts';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import type { TopicWatcher } from '../../../test/support/kafka-probe.js';
import { DeadlineScheduler } from '../src/deadlines/deadline.scheduler.js';
import { caseEventTypes, DAY_MS, movableClock, openedCase, PRODUCT_APPS, sendSignal, tag, twoMunicipalities, walk } from './support/router-fixtures.js';

/**
 * Durable deadlines on real PostgreSQL and Kafka with a clock the test moves: a Wvggz verkennend onderzoek
 * has 14 calendar days from the report (to the end of that day). The term runs from the report, so it is open from
 * `ontvangen` on (built-in version 2, the default) and the same instance runs on in `verkennend-onderzoek`; the timer
 * records DeadlineApproaching once, then DeadlineBreached exactly once, however often it runs, also for a case
 * nobody moved out of `ontvangen`. A case opened on version 1 keeps version 1's rules.
 */

const clock = movableClock();
let h: AppHarness;
let watcher: TopicWatcher;
let scheduler: DeadlineScheduler;
const [home] = twoMunicipalities();
let coordinator: string;

beforeAll(async () => {
  // The background round is slowed down so that only the test's ticks run.
  h = await startApp({ apps: PRODUCT_APPS, clock: clock.now, env: { DEADLINE_POLL_INTERVAL_MS: '3600000' } });
  watcher = await h.watch([TOPICS.cases]);
  scheduler = h.running.app.get(DeadlineScheduler, { strict: false });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-anna' });
});

afterAll(async () => {
  await h?.stop();
});

const timerOf = async (caseId: string) => (await h.query<{ next_deadline_at: Date | null }>('SELECT next_deadline_at FROM case_view WHERE case_id = $1', [caseId]))[0]!.next_deadline_at;

describe('Wvggz verkennend onderzoek: 14 days from the report', () => {
  it('records DeadlineApproaching once and, when the clock passes the 14 days, DeadlineBreached exactly once', async () => {
    const reporter = { name: `Naaste ${tag()}`, contact: `naaste-${tag()}@example.nl`, relation: 'essentiele-naaste' };
    const signalId = await sendSignal(h, coordinator, 'zorgmelding', home, { reporter });
    const opened = await openedCase(h, coordinator, { model: 'wvggz-verkennend-onderzoek', signalIds: [signalId] });
    const caseId: string = opened.body.caseId;
    expect(opened.body).toMatchObject({ currentState: 'ontvangen', reporterRelation: 'essentiele-naaste', model: { id: 'wvggz-verkennend-onderzoek', version: 2 } });
    // The term runs from the report: open in ontvangen already.
    const [deadline] = opened.body.deadlines;
    expect(opened.body.deadlines).toHaveLength(1);
    expect(deadline).toMatchObject({ definitionId: 'verkennend-onderzoek-afgerond', state: 'ontvangen', startsOn: 'signal-received', status: 'running', approachingRecorded: false, breachedRecorded: false });

    // Starting the onderzoek keeps the same instance: nothing is closed or opened.
    const started = await walk(h, coordinator, caseId, opened.headers.get('etag')!, [{ transition: 'start-verkennend-onderzoek' }]);
    expect(started.body.deadlines).toEqual([deadline]);
    expect(await caseEventTypes(h, caseId)).toEqual(['CaseOpened', 'DeadlineOpened', 'CaseTransitioned']);
    const dueAt = new Date(deadline.dueAt);
    expect(dueAt.getTime()).toBeGreaterThan(Date.parse(opened.body.signalReceivedAt) + 14 * DAY_MS);
    expect(dueAt.getTime()).toBeLessThanOrEqual(Date.parse(opened.body.signalReceivedAt) + 15 * DAY_MS + 3_600_000); // + DST
    expect((await timerOf(caseId))?.toISOString()).toBe(deadline.approachingAt);

    expect(await scheduler.tick()).toBe(0);

    // 14 days later, same time of day: the term runs to the end of that day, so it is approaching, not breached.
    clock.advance(14 * DAY_MS);
    expect(await scheduler.tick()).toBe(1);
    expect(await scheduler.tick()).toBe(0);
    expect((await timerOf(caseId))?.toISOString()).toBe(deadline.dueAt);

    // The end of the 14th day: breached, once, however often the timer runs.
    clock.set(dueAt);
    expect(await scheduler.tick()).toBe(1);
    expect(await scheduler.tick()).toBe(0);
    clock.advance(3 * DAY_MS);
    expect(await scheduler.tick()).toBe(0);

    const types = await caseEventTypes(h, caseId);
    expect(types.filter((t) => t === 'DeadlineApproaching')).toHaveLength(1);
    expect(types.filter((t) => t === 'DeadlineBreached')).toHaveLength(1);
    const [breach] = await h.query<Record<string, any>>("SELECT * FROM events WHERE stream_id = $1 AND type = 'DeadlineBreached'", [`case-${caseId}`]);
    expect(breach).toMatchObject({ actor_id: 'system', actor_role: 'system', special_category: true, municipality: home });
    expect(breach!.payload).toMatchObject({ caseId, deadlineId: deadline.deadlineId, dueAt: deadline.dueAt, state: 'verkennend-onderzoek' });
    expect(await timerOf(caseId)).toBeNull();

    const view = await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator });
    expect(view.body.deadlines).toEqual([expect.objectContaining({ deadlineId: deadline.deadlineId, approachingRecorded: true, breachedRecorded: true })]);
    const onKafka = await watcher.waitFor((m) => m.key === `case-${caseId}` && JSON.parse(m.value.toString('utf8')).type === 'DeadlineBreached', { what: 'DeadlineBreached on Kafka' });
    expect(onKafka).toHaveLength(1);

    // The outcome closes the case; the essentiële naaste may be told (an event says so).
    const closed = await walk(h, coordinator, caseId, view.headers.get('etag')!, [{ transition: 'besluit-vrijwillige-zorg', reason: 'Betrokkene accepteert vrijwillige zorg' }]);
    expect(closed.body).toMatchObject({ status: 'closed', currentState: 'vrijwillige-zorg', deadlines: [], allowedTransitions: [] });
    expect((await caseEventTypes(h, caseId)).slice(-4)).toEqual(['CaseTransitioned', 'DeadlineClosed', 'ReporterMayBeInformed', 'CaseClosed']);
    expect(await scheduler.tick()).toBe(0);
  });

  it('a case nobody moved out of ontvangen warns once and is breached exactly once; starting it late opens nothing new', async () => {
    const signalId = await sendSignal(h, coordinator, 'zorgmelding', home);
    const opened = await openedCase(h, coordinator, { model: 'wvggz-verkennend-onderzoek', signalIds: [signalId] });
    const caseId: string = opened.body.caseId;
    const [deadline] = opened.body.deadlines;
    expect(opened.body.deadlines).toHaveLength(1);
    expect(deadline).toMatchObject({ definitionId: 'verkennend-onderzoek-afgerond', state: 'ontvangen', status: 'running' });
    expect(Date.parse(deadline.dueAt)).toBeGreaterThan(Date.parse(opened.body.signalReceivedAt) + 14 * DAY_MS);
    expect(Date.parse(deadline.dueAt)).toBeLessThanOrEqual(Date.parse(opened.body.signalReceivedAt) + 15 * DAY_MS + 3_600_000); // + DST
    expect((await timerOf(caseId))?.toISOString()).toBe(deadline.approachingAt);

    clock.set(deadline.approachingAt);
    expect(await scheduler.tick()).toBe(1);
    expect(await scheduler.tick()).toBe(0);
    clock.set(deadline.dueAt);
    expect(await scheduler.tick()).toBe(1);
    expect(await scheduler.tick()).toBe(0);
    clock.advance(3 * DAY_MS);
    expect(await scheduler.tick()).toBe(0);
    expect(await timerOf(caseId)).toBeNull();

    const [breach] = await h.query<Record<string, any>>("SELECT * FROM events WHERE stream_id = $1 AND type = 'DeadlineBreached'", [`case-${caseId}`]);
    expect(breach!.payload).toMatchObject({ caseId, deadlineId: deadline.deadlineId, dueAt: deadline.dueAt, state: 'ontvangen' });
    const view = await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator });
    expect(view.body).toMatchObject({ currentState: 'ontvangen', deadlines: [expect.objectContaining({ deadlineId: deadline.deadlineId, approachingRecorded: true, breachedRecorded: true })] });

    // Started after the term passed: the breached instance runs on, nothing opens or breaches again.
    const started = await walk(h, coordinator, caseId, view.headers.get('etag')!, [{ transition: 'start-verkennend-onderzoek' }]);
    expect(started.body.deadlines).toEqual(view.body.deadlines);
    expect(await scheduler.tick()).toBe(0);
    const types = await caseEventTypes(h, caseId);
    expect(types).toEqual(['CaseOpened', 'DeadlineOpened', 'DeadlineApproaching', 'DeadlineBreached', 'CaseTransitioned']);
  });

  it('a case opened on version 1 stays on version 1: no term until the onderzoek starts', async () => {
    const signalId = await sendSignal(h, coordinator, 'zorgmelding', home);
    const opened = await openedCase(h, coordinator, { model: 'wvggz-verkennend-onderzoek', modelVersion: 1, signalIds: [signalId] });
    expect(opened.body).toMatchObject({ model: { id: 'wvggz-verkennend-onderzoek', version: 1 }, currentState: 'ontvangen', deadlines: [] });
    const started = await walk(h, coordinator, opened.body.caseId, opened.headers.get('etag')!, [{ transition: 'start-verkennend-onderzoek' }]);
    expect(started.body).toMatchObject({ model: { id: 'wvggz-verkennend-onderzoek', version: 1 }, deadlines: [expect.objectContaining({ state: 'verkennend-onderzoek', status: 'running' })] });
  });
});
