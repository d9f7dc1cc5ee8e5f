import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addRetentionPeriod, amsterdamDateOf, BUILT_IN_RETENTION_CONFIG, type CalendarDate } from '#domain';
import type { Database } from '#eventstore';
import { CLOCK, DATABASE, LOGGER } from '#platform';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { PersonalDataShredder } from '../../apps/router/src/privacy/personal-data-shredder.js';
import { RetentionFactsRepository } from '../../apps/router/src/privacy/retention/retention-facts.repository.js';
import { RetentionJob } from '../../apps/router/src/privacy/retention/retention-job.js';
import { SubjectRetentionFactsRepository } from '../../apps/router/src/privacy/retention/subject-retention-facts.repository.js';
import { movableClock, openedCase, sendSignal, testMunicipality, zorgmeldingPayload } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';

/**
 * The retention job destroys a registered subject's identity once nothing justifies keeping it, end to end on
 * real PostgreSQL and Kafka with an injected clock moved years ahead:
 *  - person A, two tips linked: kept while the second tip still holds its data, destroyed in the run that
 *    destroys that tip (one destruction and one record, also with two processes and a second run on the day),
 *    then shown as erased, never suggested again, its BSN free to register anew;
 *  - subject B, named in a case that is still open (the case's only tip was erased with another subject):
 *    kept;
 *  - subject N, registered and never linked: due two years after registration, kept by a legal hold on it
 *    (reported as held, listed as due with the hold) and destroyed by the first run after the hold is lifted.
 */

let h: AppHarness;
const clock = movableClock();
const home = testMunicipality();
let intake: string;
let coordinator: string;
let admin: string;
let auditor: string;

const tag = () => randomUUID().slice(0, 8);
const person = { name: `Karel Bewaartermijn ${tag()}`, bsn: '123456782', birthDate: '1975-06-01', address: `Termijnweg ${Math.floor(Math.random() * 900) + 1}` };
let a: string;
let b: string;
let n: string;
let x: string;
let firstTip: string;
let secondTip: string;
let caseOfB: string;
let holdOnN: string;
let firstDue: CalendarDate;
let secondDue: CalendarDate;

const register = async (body: Record<string, unknown>) => {
  const res = await h.request('POST', '/v1/subjects', { token: coordinator, body: { municipality: home, ...body } });
  expect(res.status).toBe(201);
  return res.body.subjectId as string;
};
const link = async (signalId: string, subjectId: string) => {
  await waitFor(async () => (await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId } })).status === 200, { what: 'the tip linked' });
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND subject_id = $2', [signalId, subjectId])).length > 0, { what: 'the link in the router' });
};
const keyAlive = async (owner: string) => (await h.query('SELECT 1 FROM data_keys WHERE owner = $1 AND wrapped_key IS NOT NULL', [owner])).length === 1;
const setDay = (date: CalendarDate) => clock.set(`${date}T10:30:00.000Z`);
const runNow = async () => {
  const res = await h.request('POST', '/v1/retention/runs', { token: admin });
  expect({ status: res.status, code: res.body?.code }).toEqual({ status: 201, code: undefined });
  return res.body;
};
const subjectsIn = (items: { subjectId?: string }[]) => items.map((i) => i.subjectId).filter((id): id is string => id !== undefined).sort();
const signalsIn = (items: { signalId?: string }[]) => items.map((i) => i.signalId).filter((id): id is string => id !== undefined).sort();
const otherProcess = () => {
  const app = h.running.app;
  const db = app.get<symbol, Database>(DATABASE, { strict: false });
  return new RetentionJob(db, app.get(CLOCK, { strict: false }), BUILT_IN_RETENTION_CONFIG, app.get(LOGGER, { strict: false }), new RetentionFactsRepository(db), new SubjectRetentionFactsRepository(db), app.get(PersonalDataShredder, { strict: false }));
};

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS, clock: clock.now, env: { RETENTION_POLL_INTERVAL_MS: '86400000' } });
  intake = await h.token('intake-system', [home], { subject: 'connector' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-rita' });
  admin = await h.token('admin', [home], { subject: 'admin-fg' });
  auditor = await h.token('auditor', [], { subject: 'auditor-ad' });

  // Person A with two tips: the first dismissed (due a year after the dismissal), the second never handled
  // (due two years after receipt).
  a = await register({ kind: 'person', ...person });
  firstTip = await sendSignal(h, intake, 'mma', home);
  secondTip = await sendSignal(h, intake, 'mma', home);
  await link(firstTip, a);
  await link(secondTip, a);
  expect((await h.request('POST', `/v1/signals/${firstTip}/dismissal`, { token: coordinator, body: { reason: 'Geen gemeentelijke taak' } })).status).toBe(200);
  const [dismissal] = await h.query<{ occurred_at: Date }>("SELECT occurred_at FROM events WHERE stream_id = $1 AND type = 'SignalDismissed'", [`signal-${firstTip}`]);
  firstDue = addRetentionPeriod(amsterdamDateOf(dismissal!.occurred_at), { amount: 1, unit: 'years' });
  const [received] = await h.query<{ received_at: Date }>('SELECT received_at FROM router_signals WHERE signal_id = $1', [secondTip]);
  const secondDueOfTip = addRetentionPeriod(amsterdamDateOf(received!.received_at), { amount: 2, unit: 'years' });

  // Subject B is named in a case opened on a tip about X; X is erased on request (the tip and the case's
  // text go with X), the case stays open.
  b = await register({ kind: 'person', name: `Bea Open Zaak ${tag()}`, birthDate: '1988-02-02' });
  x = await register({ kind: 'person', name: `Xander Wissing ${tag()}`, birthDate: '1990-09-09' });
  const tipAboutX = await sendSignal(h, intake, 'mma', home);
  await link(tipAboutX, x);
  const opened = await openedCase(h, coordinator, { model: 'ondermijning-intake', signalIds: [tipAboutX], subjectId: b });
  caseOfB = opened.body.caseId;
  expect(opened.body).toMatchObject({ subjectId: b, status: 'open' });
  const erased = await h.request('POST', `/v1/subjects/${x}/erasure`, { token: admin, body: { reason: 'Verzoek betrokkene AVG art. 17, kenmerk W-2026-18' } });
  expect(erased.status).toBe(200);
  expect(await keyAlive(`case:${caseOfB}`)).toBe(false);

  // Subject N, registered and never linked, under a legal hold.
  n = await register({ kind: 'address', address: `Nooitgekoppeldlaan ${Math.floor(Math.random() * 900) + 1}` });
  const [registration] = await h.query<{ registered_at: Date }>('SELECT registered_at FROM subjects WHERE subject_id = $1', [n]);
  const hold = await h.request('POST', '/v1/legal-holds', { token: coordinator, body: { target: { kind: 'subject', id: n }, reason: 'Bezwaarprocedure loopt, kenmerk B-2026-3' } });
  expect(hold.status).toBe(201);
  holdOnN = hold.body.holdId;
  secondDue = [secondDueOfTip, addRetentionPeriod(amsterdamDateOf(registration!.registered_at), { amount: 2, unit: 'years' })].sort()[1]!;
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

describe('a subject is kept while something justifies keeping it', () => {
  it('keeps person A while one of its tips still holds personal data, though the other was destroyed', async () => {
    setDay(firstDue);
    const run = await runNow();
    expect(signalsIn(run.shredded)).toEqual([firstTip]);
    expect(subjectsIn([...run.shredded, ...run.held, ...run.failed])).toEqual([]);
    expect(await keyAlive(`subject:${a}`)).toBe(true);
    const subject = await h.request('GET', `/v1/subjects/${a}`, { token: coordinator });
    expect(subject.body).toMatchObject({ personalDataErased: false, name: person.name, bsn: person.bsn });
    // A new zorgmelding about the same person still finds A.
    const zorg = await h.request('POST', '/v1/signals/zorgmelding', { token: intake, body: zorgmeldingPayload(home, undefined, { subject: person }) });
    expect(zorg.status).toBe(201);
    await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [zorg.body.signalId])).length > 0, { what: 'the zorgmelding in the router' });
    const suggestions = await h.request('GET', `/v1/signals/${zorg.body.signalId}/subject-suggestions`, { token: coordinator });
    expect(suggestions.body.suggestions.map((s: { subjectId: string }) => s.subjectId)).toEqual([a]);
  });

  it('lists what is due today — tips first, then subjects, with the holds that keep them — page by page', async () => {
    setDay(secondDue);
    const items: { signalId?: string; subjectId?: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: typeof items; nextCursor: string | null } } = await h.request('GET', `/v1/retention/due?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
      expect(page.status).toBe(200);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(items.map((i) => (i.signalId ? 'signal' : 'subject'))).toEqual(['signal', 'subject']);
    expect(items[0]).toMatchObject({ signalId: secondTip, rule: 'signaal-zonder-zaak' });
    // N is due and held; A is not due yet (its second tip still exists), nor B (its case is open).
    expect(items[1]).toEqual({ subjectId: n, municipality: home, rule: 'subject-nooit-gekoppeld', from: expect.any(String), dueOn: expect.any(String), holds: [{ holdId: holdOnN, owner: `subject:${n}` }] });
    const bad = await h.request('GET', `/v1/retention/due?cursor=${Buffer.from('due-subject:nope').toString('base64url')}`, { token: admin });
    expect(`${bad.status} ${bad.body?.code}`).toBe('400 VALIDATION.CURSOR_INVALID');
  });
});

describe('a subject nothing justifies keeping any more loses its identity', () => {
  it('goes in the run that destroys its last tip; two processes at once and a second run destroy and record once; holds and open cases keep theirs', async () => {
    const [here, there] = await Promise.all([runNow(), otherProcess().runNow('admin-fg', [home])]);
    const shredded = [...here.shredded, ...there.shredded];
    expect(signalsIn(shredded)).toEqual([secondTip]);
    expect(shredded.filter((s: { subjectId?: string }) => s.subjectId !== undefined)).toEqual([
      { subjectId: a, municipality: home, rule: 'subject-signalen-vernietigd', destructionId: expect.any(String), keysDestroyed: 1 },
    ]);
    // Both runs saw N due and held; B is not due at all.
    expect([subjectsIn(here.held), subjectsIn(there.held)]).toEqual([[n], [n]]);
    expect(here.held.find((x: { subjectId?: string }) => x.subjectId === n)).toMatchObject({ rule: 'subject-nooit-gekoppeld', holds: [{ holdId: holdOnN }] });
    expect(await keyAlive(`subject:${a}`)).toBe(false);
    expect(await keyAlive(`subject:${n}`)).toBe(true);
    expect(await keyAlive(`subject:${b}`)).toBe(true);

    const again = await runNow();
    expect(subjectsIn(again.shredded)).toEqual([]);
    const records = await h.query<Record<string, unknown>>('SELECT owner, municipality, data_class, rule, reason, approved_by, approved_role, keys_destroyed FROM destruction_records WHERE owner = $1', [`subject-${a}`]);
    expect(records).toEqual([
      {
        owner: `subject-${a}`,
        municipality: home,
        data_class: expect.stringContaining('Identiteit van het subject'),
        rule: 'subject-signalen-vernietigd',
        reason: expect.stringContaining(`vernietigen vanaf ${secondDue}`),
        approved_by: 'system',
        approved_role: 'system',
        keys_destroyed: 1,
      },
    ]);
    const events = await h.query<{ actor_id: string; payload: Record<string, unknown> }>("SELECT actor_id, payload FROM events WHERE stream_id = $1 AND type = 'PersonalDataShredded'", [`subject-${a}`]);
    expect(events).toEqual([{ actor_id: 'system', payload: expect.objectContaining({ rule: 'subject-signalen-vernietigd', owners: [`subject:${a}`], keysDestroyed: 1 }) }]);
  });

  it('shows the subject as erased, never suggests it again, frees its BSN, and an erasure request finds nothing left', async () => {
    const subject = await h.request('GET', `/v1/subjects/${a}`, { token: coordinator });
    expect(subject.status).toBe(200);
    expect(subject.body).toMatchObject({ subjectId: a, kind: 'person', personalDataErased: true, name: null, bsn: null, birthDate: null, address: null });
    expect(subject.text).not.toContain(person.name);
    const zorg = await h.request('POST', '/v1/signals/zorgmelding', { token: intake, body: zorgmeldingPayload(home, undefined, { subject: person }) });
    expect(zorg.status).toBe(201);
    await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [zorg.body.signalId])).length > 0, { what: 'the zorgmelding in the router' });
    expect((await h.request('GET', `/v1/signals/${zorg.body.signalId}/subject-suggestions`, { token: coordinator })).body.suggestions).toEqual([]);
    const again = await h.request('POST', '/v1/subjects', { token: coordinator, body: { municipality: home, kind: 'person', ...person } });
    expect(again.status).toBe(201);
    expect(again.body.subjectId).not.toBe(a);
    const erasure = await h.request('POST', `/v1/subjects/${a}/erasure`, { token: admin, body: { reason: 'Verzoek betrokkene AVG art. 17, kenmerk W-2028-1' } });
    expect(`${erasure.status} ${erasure.body?.code}`).toBe('409 PRIVACY.ALREADY_ERASED');
    expect((await h.request('GET', `/v1/subjects/${b}`, { token: coordinator })).body.personalDataErased).toBe(false);
  });

  it('lifting the hold on the never-linked subject lets the next run destroy it under its own rule; the ledger verifies', async () => {
    expect((await h.request('POST', `/v1/legal-holds/${holdOnN}/lift`, { token: admin, body: { reason: 'Bezwaar ongegrond verklaard, B-2026-3' } })).status).toBe(200);
    const run = await runNow();
    expect(run.shredded.filter((s: { subjectId?: string }) => s.subjectId !== undefined)).toEqual([expect.objectContaining({ subjectId: n, rule: 'subject-nooit-gekoppeld', keysDestroyed: 1 })]);
    expect((await h.request('GET', `/v1/subjects/${n}`, { token: coordinator })).body).toMatchObject({ personalDataErased: true, address: null });
    expect(await keyAlive(`subject:${b}`)).toBe(true);
    const verify = await h.request('POST', '/v1/audit/verify', { token: auditor, body: {} });
    expect(verify.body).toMatchObject({ ok: true, firstBreak: null });
  });
});
