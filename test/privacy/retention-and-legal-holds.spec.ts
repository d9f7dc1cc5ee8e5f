import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addRetentionPeriod, amsterdamDateOf, BUILT_IN_RETENTION_CONFIG, fromDayNumber, toDayNumber, type CalendarDate } from '#domain';
import type { Database } from '#eventstore';
import { CLOCK, DATABASE, LOGGER } from '#platform';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { PersonalDataShredder } from '../../apps/router/src/privacy/personal-data-shredder.js';
import { RetentionFactsRepository } from '../../apps/router/src/privacy/retention/retention-facts.repository.js';
import { RetentionJob } from '../../apps/router/src/privacy/retention/retention-job.js';
import { RetentionScheduler } from '../../apps/router/src/privacy/retention/retention.scheduler.js';
import { SubjectRetentionFactsRepository } from '../../apps/router/src/privacy/retention/subject-retention-facts.repository.js';
import { movableClock, openedCase, sendSignal, testMunicipality, walk } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';

/**
 * Retention and legal holds end to end on real PostgreSQL and Kafka, with an injected clock that the test
 * moves a year ahead. An MMA tip decided `geen-actie` in an ondermijning-intake case is destroyed one year
 * after the decision and not a day before; a legal hold on its case keeps it until lifted; a dismissed tip
 * linked to a subject is kept by a hold on the subject. Two processes running the job at once, or one
 * running it twice on a day, destroy once and record once. The API then shows the data as removed and the
 * ledger still verifies.
 */

let h: AppHarness;
const clock = movableClock();
const home = testMunicipality();
let other = testMunicipality();
while (other === home) other = testMunicipality();
let intake: string;
let coordinator: string;
let otherCoordinator: string;
let admin: string;
let otherAdmin: string;
let auditor: string;
let member: string;

const tip = `Hennepkwekerij achter de bakkerij ${randomUUID().slice(0, 8)}`;
let decided: { signalId: string; caseId: string; dueOn: CalendarDate };
let dismissed: { signalId: string; subjectId: string; dueOn: CalendarDate };

const oneYearAfter = (instant: string) => addRetentionPeriod(amsterdamDateOf(new Date(instant)), { amount: 1, unit: 'years' });
/** Moves the process' clock to mid-day (Amsterdam) on `date`. */
const setDay = (date: CalendarDate) => clock.set(`${date}T10:30:00.000Z`);
const dayBefore = (date: CalendarDate) => fromDayNumber(toDayNumber(date) - 1);
const keyAlive = async (signalId: string) => (await h.query('SELECT 1 FROM data_keys WHERE owner = $1 AND wrapped_key IS NOT NULL', [`signal:${signalId}`])).length === 1;
const runNow = async () => {
  const res = await h.request('POST', '/v1/retention/runs', { token: admin });
  expect({ status: res.status, code: res.body?.code }).toEqual({ status: 201, code: undefined });
  return res.body;
};
const ids = (items: { signalId?: string }[]) => items.map((i) => i.signalId).filter((id) => id === decided.signalId || id === dismissed.signalId).sort();

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS, clock: clock.now, env: { RETENTION_POLL_INTERVAL_MS: '86400000' } });
  intake = await h.token('intake-system', [home], { subject: 'connector' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-rita' });
  otherCoordinator = await h.token('coordinator', [other], { subject: 'coordinator-elders' });
  admin = await h.token('admin', [home], { subject: 'admin-fg' });
  otherAdmin = await h.token('admin', [other], { subject: 'admin-elders' });
  auditor = await h.token('auditor', [], { subject: 'auditor-ad' });
  member = await h.token('table-member', [home], { subject: 'member-t', tables: ['zvh-casusoverleg'] });

  // An MMA tip, weighed and decided "geen actie".
  const signalId = await sendSignal(h, intake, 'mma', home, { description: tip });
  const opened = await openedCase(h, coordinator, { model: 'ondermijning-intake', signalIds: [signalId] });
  const caseId: string = opened.body.caseId;
  const last = await walk(h, coordinator, caseId, opened.headers.get('etag')!, [
    { transition: 'start-weging' },
    { transition: 'ondermijnend' },
    { transition: 'gemeentelijke-taak' },
    { transition: 'besluit-geen-actie', reason: 'Niet concreet genoeg, geen trend' },
  ]);
  expect(last.body).toMatchObject({ currentState: 'geen-actie', status: 'closed' });
  decided = { signalId, caseId, dueOn: oneYearAfter(last.body.closedAt) };

  // A second tip about an address, linked to it as a subject, then dismissed.
  const subject = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'address', municipality: home, address: `Bakkerstraat ${Math.floor(Math.random() * 900) + 1}` } });
  expect(subject.status).toBe(201);
  const second = await sendSignal(h, intake, 'mma', home);
  await waitFor(async () => (await h.request('POST', `/v1/signals/${second}/subject`, { token: coordinator, body: { subjectId: subject.body.subjectId } })).status === 200, { what: 'the tip linked' });
  const dismissal = await h.request('POST', `/v1/signals/${second}/dismissal`, { token: coordinator, body: { reason: 'Geen gemeentelijke taak' } });
  expect(dismissal.status).toBe(200);
  const [event] = await h.query<{ occurred_at: Date }>("SELECT occurred_at FROM events WHERE stream_id = $1 AND type = 'SignalDismissed'", [`signal-${second}`]);
  dismissed = { signalId: second, subjectId: subject.body.subjectId, dueOn: oneYearAfter(event!.occurred_at.toISOString()) };
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND case_id IS NOT NULL', [signalId])).length > 0, { what: 'the case in the router' });
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND subject_id IS NOT NULL', [second])).length > 0, { what: 'the link in the router' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('legal holds: bad input changes nothing', () => {
  it('refuses an unknown kind, an unknown target, another municipality’s target, a missing or short reason, and other roles', async () => {
    const eventsBefore = await h.countEvents();
    const place = (token: string, body: unknown) => h.request('POST', '/v1/legal-holds', { token, body });
    const reason = 'Strafrechtelijk onderzoek, PV 2026-0042';
    const answers = [
      await place(admin, { target: { kind: 'vehicle', id: decided.caseId }, reason }),
      await place(admin, { target: { kind: 'case', id: randomUUID() }, reason }),
      await place(otherCoordinator, { target: { kind: 'case', id: decided.caseId }, reason }),
      await place(otherCoordinator, { target: { kind: 'signal', id: decided.signalId }, reason }),
      await place(otherAdmin, { target: { kind: 'case', id: decided.caseId }, reason }),
      await place(admin, { target: { kind: 'case', id: decided.caseId } }),
      await place(admin, { target: { kind: 'case', id: decided.caseId }, reason: '   kort   ' }),
      await place(admin, { target: { kind: 'case', id: 'not-a-uuid' }, reason }),
      await place(member, { target: { kind: 'case', id: decided.caseId }, reason }),
      await place(auditor, { target: { kind: 'case', id: decided.caseId }, reason }),
    ];
    expect(answers.map((a) => `${a.status} ${a.body?.code}`)).toEqual([
      '400 VALIDATION.FAILED',
      '404 LEGAL_HOLD.TARGET_NOT_FOUND',
      '404 LEGAL_HOLD.TARGET_NOT_FOUND',
      '404 LEGAL_HOLD.TARGET_NOT_FOUND',
      '404 LEGAL_HOLD.TARGET_NOT_FOUND',
      '400 VALIDATION.FAILED',
      '400 VALIDATION.FAILED',
      '400 VALIDATION.FAILED',
      '403 AUTH.ROLE_NOT_ALLOWED',
      '403 AUTH.ROLE_NOT_ALLOWED',
    ]);
    expect(answers[0]!.body.errors.map((e: { path: string }) => e.path)).toEqual(['target.kind']);
    expect(await h.query('SELECT 1 FROM legal_holds')).toHaveLength(0);
    expect(await h.countEvents()).toBe(eventsBefore);
    const lift = await h.request('POST', `/v1/legal-holds/${randomUUID()}/lift`, { token: admin, body: { reason: 'Onderzoek afgerond, PV gesloten' } });
    expect(`${lift.status} ${lift.body?.code}`).toBe('404 LEGAL_HOLD.NOT_FOUND');
  });
});

describe('the retention job with an injected clock', () => {
  it('destroys nothing the day before the first due day, and does not list it as due', async () => {
    setDay(dayBefore([decided.dueOn, dismissed.dueOn].sort()[0]!));
    expect(ids((await h.request('GET', '/v1/retention/due', { token: admin })).body.items)).toEqual([]);
    const run = await runNow();
    expect(ids(run.shredded)).toEqual([]);
    expect(ids(run.held)).toEqual([]);
    expect(await keyAlive(decided.signalId)).toBe(true);
    expect(await keyAlive(dismissed.signalId)).toBe(true);
  });

  it('keeps what a legal hold on the case or on the subject covers, and reports the holds', async () => {
    const onCase = await h.request('POST', '/v1/legal-holds', { token: coordinator, body: { target: { kind: 'case', id: decided.caseId }, reason: 'Strafrechtelijk onderzoek, PV 2026-0042' } });
    expect(onCase.status).toBe(201);
    expect(onCase.body).toMatchObject({ target: { kind: 'case', id: decided.caseId }, municipality: home, placedBy: 'coordinator-rita', active: true, liftedAt: null });
    const onSubject = await h.request('POST', '/v1/legal-holds', { token: admin, body: { target: { kind: 'subject', id: dismissed.subjectId }, reason: 'Bezwaarprocedure loopt, kenmerk B-17' } });
    expect(onSubject.status).toBe(201);
    const events = await h.query<{ type: string; actor_id: string }>('SELECT type, actor_id FROM events WHERE stream_id = $1', [`legal-hold-${onCase.body.holdId}`]);
    expect(events).toEqual([{ type: 'LegalHoldPlaced', actor_id: 'coordinator-rita' }]);
    const listed = await h.request('GET', '/v1/legal-holds', { token: coordinator });
    expect(listed.body.items.map((x: { holdId: string }) => x.holdId).sort()).toEqual([onCase.body.holdId, onSubject.body.holdId].sort());
    expect((await h.request('GET', '/v1/legal-holds', { token: otherCoordinator })).body.items).toEqual([]);

    setDay([decided.dueOn, dismissed.dueOn].sort()[1]!);
    const due = await h.request('GET', '/v1/retention/due', { token: admin });
    const dueOf = (id: string) => due.body.items.find((i: { signalId: string }) => i.signalId === id);
    expect(dueOf(decided.signalId)).toMatchObject({ rule: 'ondermijning-geen-actie', dueOn: decided.dueOn, holds: [{ holdId: onCase.body.holdId, owner: `case:${decided.caseId}` }] });
    expect(dueOf(dismissed.signalId)).toMatchObject({ rule: 'signaal-afgewezen', dueOn: dismissed.dueOn, holds: [{ holdId: onSubject.body.holdId, owner: `subject:${dismissed.subjectId}` }] });
    // Another municipality's administrator sees nothing of it, and a run they start destroys nothing here.
    expect((await h.request('GET', '/v1/retention/due', { token: otherAdmin })).body.items).toEqual([]);
    expect((await h.request('GET', '/v1/legal-holds', { token: otherAdmin })).body.items).toEqual([]);
    const elsewhere = await h.request('POST', '/v1/retention/runs', { token: otherAdmin });
    expect(elsewhere.body).toMatchObject({ scope: [other], examined: 0, shredded: [], held: [], failed: [] });

    const run = await runNow();
    expect(ids(run.shredded)).toEqual([]);
    expect(ids(run.held)).toEqual([decided.signalId, dismissed.signalId].sort());
    expect(run.held.find((x: { signalId: string }) => x.signalId === decided.signalId)).toMatchObject({ rule: 'ondermijning-geen-actie', holds: [{ holdId: onCase.body.holdId }] });
    expect(await keyAlive(decided.signalId)).toBe(true);
    expect(await keyAlive(dismissed.signalId)).toBe(true);
    expect((await h.request('GET', `/v1/signals/${decided.signalId}`, { token: coordinator })).body).toMatchObject({ personalDataErased: false, details: { description: tip } });
  });

  it('lifting a hold (administrators only, once) lets the next run destroy, and two processes running at once destroy and record once', async () => {
    const [holdOnCase] = await h.query<{ hold_id: string }>('SELECT hold_id FROM legal_holds WHERE owner = $1', [`case:${decided.caseId}`]);
    const holdId = holdOnCase!.hold_id;
    const body = { reason: 'Onderzoek afgerond, PV 2026-0042 gesloten' };
    expect((await h.request('POST', `/v1/legal-holds/${holdId}/lift`, { token: coordinator, body })).status).toBe(403);
    const lifted = await h.request('POST', `/v1/legal-holds/${holdId}/lift`, { token: admin, body });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ holdId, active: false, liftedBy: 'admin-fg', liftReason: body.reason });
    const eventsBefore = await h.countEvents();
    const again = await h.request('POST', `/v1/legal-holds/${holdId}/lift`, { token: admin, body });
    expect(`${again.status} ${again.body?.code}`).toBe('409 LEGAL_HOLD.ALREADY_LIFTED');
    expect(await h.countEvents()).toBe(eventsBefore);
    expect((await h.query<{ type: string }>('SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version', [`legal-hold-${holdId}`])).map((e) => e.type)).toEqual(['LegalHoldPlaced', 'LegalHoldLifted']);

    // "Another process": a job of its own over the same database, running at the same moment.
    const app = h.running.app;
    const db = app.get<symbol, Database>(DATABASE, { strict: false });
    const otherProcess = new RetentionJob(db, app.get(CLOCK, { strict: false }), BUILT_IN_RETENTION_CONFIG, app.get(LOGGER, { strict: false }), new RetentionFactsRepository(db), new SubjectRetentionFactsRepository(db), app.get(PersonalDataShredder, { strict: false }));
    const [here, there] = await Promise.all([runNow(), otherProcess.runNow('admin-fg', [home])]);
    const shredded = [...here.shredded, ...there.shredded].filter((s: { signalId: string }) => s.signalId === decided.signalId);
    expect(shredded).toHaveLength(1);
    // The tip was the closed case's only signal: the case's own key (its reasons and notes) goes with it.
    expect(shredded[0]).toMatchObject({ rule: 'ondermijning-geen-actie', keysDestroyed: 2 });
    expect(await h.query('SELECT 1 FROM data_keys WHERE owner = $1 AND wrapped_key IS NOT NULL', [`case:${decided.caseId}`])).toHaveLength(0);
    // Both runs saw the tip held by the subject's hold, and each reports it.
    expect([ids(here.held), ids(there.held)]).toEqual([[dismissed.signalId], [dismissed.signalId]]);
    expect(await keyAlive(decided.signalId)).toBe(false);
    expect(await keyAlive(dismissed.signalId)).toBe(true);

    const records = await h.query<Record<string, unknown>>('SELECT owner, municipality, rule, approved_by, approved_role, keys_destroyed FROM destruction_records WHERE owner = $1', [`signal-${decided.signalId}`]);
    expect(records).toEqual([{ owner: `signal-${decided.signalId}`, municipality: home, rule: 'ondermijning-geen-actie', approved_by: 'system', approved_role: 'system', keys_destroyed: 2 }]);
    const shreddedEvents = await h.query<{ actor_id: string; payload: { rule: string } }>("SELECT actor_id, payload FROM events WHERE stream_id = $1 AND type = 'PersonalDataShredded'", [`signal-${decided.signalId}`]);
    expect(shreddedEvents).toEqual([{ actor_id: 'system', payload: expect.objectContaining({ rule: 'ondermijning-geen-actie', owners: [`signal:${decided.signalId}`, `case:${decided.caseId}`] }) }]);
  });

  it('a second run on the same day destroys and records nothing more', async () => {
    const run = await runNow();
    expect(ids(run.shredded)).toEqual([]);
    expect(await h.query('SELECT 1 FROM destruction_records WHERE owner = $1', [`signal-${decided.signalId}`])).toHaveLength(1);
    const runs = await h.request('GET', '/v1/retention/runs', { token: admin });
    expect(runs.status).toBe(200);
    expect(runs.body.items[0]).toMatchObject({ runId: run.runId, trigger: 'admin', summary: { runId: run.runId, requestedBy: 'admin-fg', scope: [home] } });
  });

  it('the daily run is claimed once per day across processes', async () => {
    const app = h.running.app;
    const scheduler = app.get(RetentionScheduler, { strict: false });
    const otherProcess = new RetentionScheduler(
      new RetentionJob(app.get(DATABASE, { strict: false }), app.get(CLOCK, { strict: false }), BUILT_IN_RETENTION_CONFIG, app.get(LOGGER, { strict: false }), new RetentionFactsRepository(app.get(DATABASE, { strict: false })), new SubjectRetentionFactsRepository(app.get(DATABASE, { strict: false })), app.get(PersonalDataShredder, { strict: false })),
      { RETENTION_POLL_INTERVAL_MS: 86_400_000 } as never,
      app.get(LOGGER, { strict: false }),
    );
    const [first, second] = await Promise.all([scheduler.tick(), otherProcess.tick()]);
    expect([first, second].filter((r) => r !== null)).toHaveLength(1);
    expect(await scheduler.tick()).toBeNull();
    expect((await h.query("SELECT 1 FROM retention_runs WHERE trigger = 'daily'")).length).toBe(1);
  });

  it('shows the destroyed data as removed in the API, keeps the rest readable, and the ledger still verifies', async () => {
    const gone = await h.request('GET', `/v1/signals/${decided.signalId}`, { token: coordinator });
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({ signalId: decided.signalId, source: 'mma', personalDataErased: true, details: { description: null } });
    expect(gone.text).not.toContain(tip);
    expect((await h.request('GET', `/v1/signals/${dismissed.signalId}`, { token: coordinator })).body.personalDataErased).toBe(false);
    const verify = await h.request('POST', '/v1/audit/verify', { token: auditor, body: {} });
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, firstBreak: null });
  });

  it('lifting the hold on the subject lets the next run destroy its dismissed tip under its own rule', async () => {
    const [hold] = await h.query<{ hold_id: string }>('SELECT hold_id FROM legal_holds WHERE owner = $1', [`subject:${dismissed.subjectId}`]);
    expect((await h.request('POST', `/v1/legal-holds/${hold!.hold_id}/lift`, { token: admin, body: { reason: 'Bezwaar ongegrond verklaard, B-17' } })).status).toBe(200);
    expect((await h.request('GET', '/v1/legal-holds', { token: admin })).body.items).toEqual([]);
    const run = await runNow();
    expect(run.shredded.filter((s: { signalId: string }) => s.signalId === dismissed.signalId)).toEqual([expect.objectContaining({ rule: 'signaal-afgewezen' })]);
    expect(await keyAlive(dismissed.signalId)).toBe(false);
    // It was the address's only tip and no case concerns the address: its identity goes in the same run.
    expect(run.shredded.filter((s: { subjectId?: string }) => s.subjectId === dismissed.subjectId)).toEqual([expect.objectContaining({ rule: 'subject-signalen-vernietigd', keysDestroyed: 1 })]);
    expect((await h.request('GET', `/v1/subjects/${dismissed.subjectId}`, { token: coordinator })).body).toMatchObject({ personalDataErased: true, address: null });
  });

  it('keeps a tip that an open case still uses, though its other case, decided later, is due', async () => {
    const twice = await sendSignal(h, intake, 'mma', home);
    const ave = await openedCase(h, coordinator, { model: 'ave', signalIds: [twice] });
    const assessed = await openedCase(h, coordinator, { model: 'ondermijning-intake', signalIds: [twice] });
    const last = await walk(h, coordinator, assessed.body.caseId, assessed.headers.get('etag')!, [
      { transition: 'start-weging' },
      { transition: 'ondermijnend' },
      { transition: 'gemeentelijke-taak' },
      { transition: 'besluit-geen-actie', reason: 'Niet concreet genoeg, geen trend' },
    ]);
    expect(last.body).toMatchObject({ currentState: 'geen-actie', status: 'closed' });
    await waitFor(async () => (await h.query('SELECT 1 FROM case_view WHERE case_id = $1 AND status = $2', [assessed.body.caseId, 'closed'])).length > 0, { what: 'the closed case in the case view' });

    setDay(oneYearAfter(last.body.closedAt));
    const run = await runNow();
    expect(run.shredded.filter((s: { signalId?: string }) => s.signalId === twice)).toEqual([]);
    expect(await keyAlive(twice)).toBe(true);
    expect((await h.request('GET', `/v1/cases/${ave.body.caseId}`, { token: coordinator })).body).toMatchObject({ status: 'open' });
  });
});
