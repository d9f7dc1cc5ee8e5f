import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addRetentionPeriod, amsterdamDateOf, type CalendarDate } from '#domain';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { movableClock, openedCase, sendSignal, testMunicipality, walk } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';

/**
 * Retention (and erasure) reach every case of a signal, end to end on real PostgreSQL and Kafka with an
 * injected clock moved years ahead:
 *  - a tip in two closed cases (an ondermijning-intake case A, then an AVE case B): when the tip's data is
 *    destroyed, both cases' own keys (their reasons, notes, plan) go with it in the same run — not only the
 *    case that decided the tip's rule; a case with another signal that still holds data keeps its key;
 *  - a legal hold on the subject a case is about holds that case, and so its signals: a case opened about Y
 *    on a tip not linked to Y, and a case about Y whose tip was moved to subject Z since, are both kept while Y
 *    is held, listed as due with that hold, and destroyed by the first run after the lift;
 *  - erasing subject X is refused while a hold covers the subject Y2 of a case of X's tip (the erasure would
 *    destroy that case's key), and goes ahead after the lift.
 */

let h: AppHarness;
const clock = movableClock();
const home = testMunicipality();
let intake: string;
let coordinator: string;
let admin: string;

const tag = () => randomUUID().slice(0, 8);
const setDay = (date: CalendarDate) => clock.set(`${date}T10:30:00.000Z`);
const yearsAfter = (instant: string, amount: number) => addRetentionPeriod(amsterdamDateOf(new Date(instant)), { amount, unit: 'years' });
const keyAlive = async (owner: string) => (await h.query('SELECT 1 FROM data_keys WHERE owner = $1 AND wrapped_key IS NOT NULL', [owner])).length === 1;
const runNow = async () => {
  const res = await h.request('POST', '/v1/retention/runs', { token: admin });
  expect({ status: res.status, code: res.body?.code }).toEqual({ status: 201, code: undefined });
  return res.body;
};
/** The entries of a run's (or the due list's) items about `signalIds`, in signal-id order. */
const about = (items: { signalId?: string }[], signalIds: string[]) => items.filter((i) => i.signalId !== undefined && signalIds.includes(i.signalId)).sort((a, b) => a.signalId!.localeCompare(b.signalId!));
const register = async (name: string) => {
  const res = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: home, name: `${name} ${tag()}`, birthDate: '1981-03-03' } });
  expect(res.status).toBe(201);
  return res.body.subjectId as string;
};
const link = async (signalId: string, subjectId: string) => {
  await waitFor(async () => (await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId } })).status === 200, { what: 'the tip linked' });
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND subject_id = $2', [signalId, subjectId])).length > 0, { what: 'the link in the router' });
};
const note = async (caseId: string, text: string) => expect((await h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: { text, visibility: 'intern' } })).status).toBe(200);
const closedInCaseView = (caseId: string) => waitFor(async () => (await h.query("SELECT 1 FROM case_view WHERE case_id = $1 AND status = 'closed'", [caseId])).length > 0, { what: 'the closed case in the case view' });
/** Opens an ondermijning-intake case on `signalIds` (and `subjectId`, if given), writes a note into it, and decides it `geen-actie`; returns the case id and its closing instant. */
const decidedGeenActie = async (signalIds: string[], noteText: string, subjectId?: string) => {
  const opened = await openedCase(h, coordinator, { model: 'ondermijning-intake', signalIds, ...(subjectId ? { subjectId } : {}) });
  const caseId: string = opened.body.caseId;
  await note(caseId, noteText);
  const etag = (await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator })).headers.get('etag')!;
  const last = await walk(h, coordinator, caseId, etag, [
    { transition: 'start-weging' },
    { transition: 'ondermijnend' },
    { transition: 'gemeentelijke-taak' },
    { transition: 'besluit-geen-actie', reason: 'Niet concreet genoeg, geen trend' },
  ]);
  expect(last.body).toMatchObject({ currentState: 'geen-actie', status: 'closed' });
  await closedInCaseView(caseId);
  return { caseId, closedAt: last.body.closedAt as string };
};
const caseAsShown = async (caseId: string) => (await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator })).body;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS, clock: clock.now, env: { RETENTION_POLL_INTERVAL_MS: '86400000' } });
  intake = await h.token('intake-system', [home], { subject: 'connector' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-rita' });
  admin = await h.token('admin', [home], { subject: 'admin-fg' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('destroying a signal destroys the key of every case left without a live signal', () => {
  const noteA = `Gesprek met de buurman over de kwekerij ${tag()}`;
  const noteB = `Huisbezoek, schulden en spanningen ${tag()}`;
  let twice: string;
  let other: string;
  let caseA: string;
  let caseB: string;
  let otherDue: CalendarDate;
  let twiceDue: CalendarDate;

  beforeAll(async () => {
    // Tip `twice` and tip `other` weighed in intake case A, decided "geen actie"; then `twice` in AVE case B, closed.
    twice = await sendSignal(h, intake, 'mma', home);
    other = await sendSignal(h, intake, 'mma', home);
    const a = await decidedGeenActie([twice, other], noteA);
    caseA = a.caseId;
    const b = await openedCase(h, coordinator, { model: 'ave', signalIds: [twice] });
    caseB = b.body.caseId;
    await note(caseB, noteB);
    const closed = await walk(h, coordinator, caseB, (await h.request('GET', `/v1/cases/${caseB}`, { token: coordinator })).headers.get('etag')!, [{ transition: 'afsluiten', reason: 'Situatie stabiel, hulp loopt' }]);
    expect(closed.body).toMatchObject({ status: 'closed' });
    await closedInCaseView(caseB);
    // `other` has only case A: one year after its decision. `twice` goes by its newest case, B: five years after closing.
    otherDue = yearsAfter(a.closedAt, 1);
    twiceDue = yearsAfter(closed.body.closedAt, 5);
  }, 120_000);

  it('keeps the key of a closed case while another of its signals still holds data', async () => {
    setDay(otherDue);
    const run = await runNow();
    expect(about(run.shredded, [twice, other])).toEqual([expect.objectContaining({ signalId: other, rule: 'ondermijning-geen-actie', keysDestroyed: 1 })]);
    expect(await keyAlive(`signal:${other}`)).toBe(false);
    expect(await keyAlive(`signal:${twice}`)).toBe(true);
    expect(await keyAlive(`case:${caseA}`)).toBe(true);
    expect(await caseAsShown(caseA)).toMatchObject({ notes: [{ text: noteA }], personalDataErased: false });
  });

  it('destroys, with the last live signal, the keys of all its cases in the same run — not only the case that decided its rule', async () => {
    setDay(twiceDue);
    const run = await runNow();
    expect(about(run.shredded, [twice, other])).toEqual([expect.objectContaining({ signalId: twice, rule: 'casus-afgesloten', keysDestroyed: 3 })]);
    expect(await keyAlive(`signal:${twice}`)).toBe(false);
    expect(await keyAlive(`case:${caseB}`)).toBe(false);
    expect(await keyAlive(`case:${caseA}`)).toBe(false);
    const [event] = await h.query<{ payload: { owners: string[] } }>("SELECT payload FROM events WHERE stream_id = $1 AND type = 'PersonalDataShredded'", [`signal-${twice}`]);
    expect([...event!.payload.owners].sort()).toEqual([`signal:${twice}`, `case:${caseA}`, `case:${caseB}`].sort());
    for (const [caseId, text] of [[caseA, noteA], [caseB, noteB]] as const) {
      const shown = await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator });
      expect(shown.body).toMatchObject({ caseId, status: 'closed', notes: [{ text: null }], personalDataErased: true });
      expect(shown.text).not.toContain(text);
    }
    // A second run finds nothing more to destroy or record.
    const again = await runNow();
    expect(about(again.shredded, [twice, other])).toEqual([]);
    expect(await h.query('SELECT 1 FROM destruction_records WHERE owner = $1', [`signal-${twice}`])).toHaveLength(1);
  });
});

describe('a legal hold on the subject a case is about holds that case, and so its signals, in retention', () => {
  const noteC = `Zaak over Y op een losse tip ${tag()}`;
  const noteD = `Zaak over Y, tip later naar Z verplaatst ${tag()}`;
  let y: string;
  let unlinked: string;
  let moved: string;
  let caseC: string;
  let caseD: string;
  let holdOnY: string;
  let dueOn: CalendarDate;

  beforeAll(async () => {
    y = await register('Yvonne Gehouden');
    const z = await register('Zeno Verplaatst');
    // Case C is opened about Y on a tip that is not linked to Y.
    unlinked = await sendSignal(h, intake, 'mma', home);
    const c = await decidedGeenActie([unlinked], noteC, y);
    caseC = c.caseId;
    expect((await caseAsShown(caseC)).subjectId).toBe(y);
    // Case D is about Y through its tip's link; the tip is moved to Z afterwards.
    moved = await sendSignal(h, intake, 'mma', home);
    await link(moved, y);
    const d = await decidedGeenActie([moved], noteD, y);
    caseD = d.caseId;
    await link(moved, z);
    expect((await caseAsShown(caseD)).subjectId).toBe(y);
    dueOn = [yearsAfter(c.closedAt, 1), yearsAfter(d.closedAt, 1)].sort()[1]!;
    const hold = await h.request('POST', '/v1/legal-holds', { token: coordinator, body: { target: { kind: 'subject', id: y }, reason: 'Strafrechtelijk onderzoek naar Y, PV 2026-0077' } });
    expect(hold.status).toBe(201);
    holdOnY = hold.body.holdId;
  }, 120_000);

  it('lists the tips as due with the hold on the case’s subject, keeps them and their cases, and reports them as held', async () => {
    setDay(dueOn);
    const due = await h.request('GET', '/v1/retention/due', { token: admin });
    expect(about(due.body.items, [unlinked, moved])).toEqual(
      [unlinked, moved].sort().map((signalId) => expect.objectContaining({ signalId, rule: 'ondermijning-geen-actie', holds: [{ holdId: holdOnY, owner: `subject:${y}` }] })),
    );
    const run = await runNow();
    expect(about(run.shredded, [unlinked, moved])).toEqual([]);
    expect(about(run.held, [unlinked, moved]).map((x) => ({ signalId: x.signalId, holds: (x as { holds: unknown }).holds }))).toEqual(
      [unlinked, moved].sort().map((signalId) => ({ signalId, holds: [{ holdId: holdOnY, owner: `subject:${y}` }] })),
    );
    for (const owner of [`signal:${unlinked}`, `signal:${moved}`, `case:${caseC}`, `case:${caseD}`]) expect({ owner, alive: await keyAlive(owner) }).toEqual({ owner, alive: true });
    expect(await caseAsShown(caseC)).toMatchObject({ notes: [{ text: noteC }], personalDataErased: false });
    expect(await caseAsShown(caseD)).toMatchObject({ notes: [{ text: noteD }], personalDataErased: false });
  });

  it('the first run after the hold is lifted destroys the tips and their cases’ keys', async () => {
    expect((await h.request('POST', `/v1/legal-holds/${holdOnY}/lift`, { token: admin, body: { reason: 'Onderzoek afgerond, PV 2026-0077 gesloten' } })).status).toBe(200);
    const run = await runNow();
    expect(about(run.shredded, [unlinked, moved]).map((x) => ({ signalId: x.signalId, keysDestroyed: (x as { keysDestroyed: number }).keysDestroyed }))).toEqual(
      [unlinked, moved].sort().map((signalId) => ({ signalId, keysDestroyed: 2 })),
    );
    for (const owner of [`signal:${unlinked}`, `signal:${moved}`, `case:${caseC}`, `case:${caseD}`]) expect({ owner, alive: await keyAlive(owner) }).toEqual({ owner, alive: false });
    expect(await caseAsShown(caseC)).toMatchObject({ notes: [{ text: null }], personalDataErased: true });
  });
});

describe('erasing a subject is refused while a legal hold covers the subject of a case the erasure would destroy', () => {
  it('refuses (409 PRIVACY.LEGAL_HOLD naming the hold) and destroys nothing; after the lift the erasure goes ahead', async () => {
    const x = await register('Xander Wissing');
    const y2 = await register('Ymke Gehouden');
    const tip = await sendSignal(h, intake, 'mma', home);
    await link(tip, x);
    // A case about Y2 on X's tip: erasing X destroys its key.
    const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [tip], subjectId: y2 });
    const caseE: string = opened.body.caseId;
    const noteE = `Zaak over Y2 ${tag()}`;
    await note(caseE, noteE);
    const hold = await h.request('POST', '/v1/legal-holds', { token: coordinator, body: { target: { kind: 'subject', id: y2 }, reason: 'Bezwaarprocedure Y2 loopt, kenmerk B-2026-9' } });
    expect(hold.status).toBe(201);
    const owners = [`subject:${x}`, `signal:${tip}`, `case:${caseE}`];

    const refused = await h.request('POST', `/v1/subjects/${x}/erasure`, { token: admin, body: { reason: 'Verzoek betrokkene AVG art. 17, kenmerk W-2026-21' } });
    expect({ status: refused.status, code: refused.body.code, holds: refused.body.holds }).toEqual({ status: 409, code: 'PRIVACY.LEGAL_HOLD', holds: [{ holdId: hold.body.holdId, owner: `subject:${y2}` }] });
    for (const owner of owners) expect({ owner, alive: await keyAlive(owner) }).toEqual({ owner, alive: true });
    expect(await caseAsShown(caseE)).toMatchObject({ notes: [{ text: noteE }], personalDataErased: false });

    expect((await h.request('POST', `/v1/legal-holds/${hold.body.holdId}/lift`, { token: admin, body: { reason: 'Bezwaar ongegrond, B-2026-9' } })).status).toBe(200);
    const erased = await h.request('POST', `/v1/subjects/${x}/erasure`, { token: admin, body: { reason: 'Verzoek betrokkene AVG art. 17, kenmerk W-2026-21' } });
    expect(erased.status).toBe(200);
    for (const owner of owners) expect({ owner, alive: await keyAlive(owner) }).toEqual({ owner, alive: false });
  });
});
