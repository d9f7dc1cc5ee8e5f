import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { zorgmeldingPayload } from '../../apps/intake/test/support/intake-fixtures.js';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';
import { privacyActors, registeredSubject, signalInRouter, waitingOnLocks, type PrivacyActors } from './support/privacy-actors.js';

/**
 * The signals of a subject that an erasure destroys are those linked to it and every signal of a case about it
 * (named when the case was opened), whether or not the signal was ever linked to the subject — as the subject
 * retention rule counts them. A case can be opened about a subject from signals not linked to it; before, the
 * erasure left such a signal readable (name, BSN, concern) and a new case could be opened from it. Real
 * PostgreSQL and Kafka.
 */

let h: AppHarness;
let actors: PrivacyActors;
let coordinator: string;
let admin: string;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  actors = await privacyActors(h, { coordinator: 'coordinator-wis', admin: 'admin-wis' });
  ({ coordinator, admin } = actors);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const tag = () => randomUUID().slice(0, 8);
const erase = (subjectId: string) => h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: admin, body: { reason: 'Verzoek van betrokkene AVG art. 17' } });
const openCase = (body: Record<string, unknown>) => h.request('POST', '/v1/cases', { token: coordinator, body });
const liveKeys = async (owners: string[]) =>
  (await h.query<{ owner: string }>('SELECT owner FROM data_keys WHERE owner = ANY($1) AND wrapped_key IS NOT NULL ORDER BY owner', [owners])).map((k) => k.owner);
const casesOpenedFrom = async (signalId: string) => (await h.query("SELECT 1 FROM events WHERE type = 'CaseOpened' AND payload->'signalIds' ? $1", [signalId])).length;

/** A zorgmelding about `person` that the router knows, not linked to any subject. */
async function zorgmeldingAbout(person: Record<string, string>, concern: string): Promise<string> {
  const res = await h.request('POST', '/v1/signals/zorgmelding', { token: actors.intakeSystem, body: zorgmeldingPayload(actors.home, undefined, { concern, subject: person }) });
  expect(res.status).toBe(201);
  const signalId = res.body.signalId as string;
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [signalId])).length > 0, { what: 'signal in the router' });
  return signalId;
}

describe('erasure of a subject', () => {
  it('destroys the signals of a case about the subject even when they were not linked to it, and no case can take them up again', async () => {
    const person = { name: `Piet Wisser ${tag()}`, birthDate: '1975-02-03', bsn: '111222333', address: `Wisstraat ${tag()}` };
    const concern = `Verward gedrag ${tag()}`;
    const registered = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: actors.home, ...person } });
    expect(registered.status).toBe(201);
    const subjectId: string = registered.body.subjectId;
    const signalId = await zorgmeldingAbout(person, concern);
    // The case is about the person; the signal was never linked to them.
    const about = await openCase({ model: 'ave', signalIds: [signalId], subjectId });
    expect([about.status, about.body.subjectId]).toEqual([201, subjectId]);
    // A second case from the same signal, not naming the person: its free text is about the person too.
    const alsoFrom = await openCase({ model: 'wvggz-verkennend-onderzoek', signalIds: [signalId] });
    expect(alsoFrom.status).toBe(201);

    const erased = await erase(subjectId);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ signalIds: [signalId], keysDestroyed: 4 });
    expect(await liveKeys([`subject:${subjectId}`, `signal:${signalId}`, `case:${about.body.caseId}`, `case:${alsoFrom.body.caseId}`])).toEqual([]);

    const signal = await h.request('GET', `/v1/signals/${signalId}`, { token: coordinator });
    expect(signal.status).toBe(200);
    expect(signal.body).toMatchObject({ personalDataErased: true, details: { concern: null, subject: { name: null, bsn: null } } });
    for (const value of [person.name, person.bsn, person.address, concern]) expect(signal.text).not.toContain(value);

    // Neither a new case from the signal nor adding it to another case: 410, nothing stored.
    const again = await openCase({ model: 'wvggz-verkennend-onderzoek', signalIds: [signalId] });
    expect([again.status, again.body.code]).toEqual([410, 'PRIVACY.ERASED']);
    expect(await casesOpenedFrom(signalId)).toBe(2);
    const other = await openCase({ model: 'ave', signalIds: [await signalInRouter(actors)] });
    expect(other.status).toBe(201);
    const added = await h.request('POST', `/v1/cases/${other.body.caseId}/signals`, { token: coordinator, body: { signalId } });
    expect([added.status, added.body.code]).toEqual([410, 'PRIVACY.ERASED']);
    expect(await h.query("SELECT 1 FROM events WHERE type = 'SignalAddedToCase' AND payload->>'signalId' = $1", [signalId])).toHaveLength(0);
  });

  it('destroys a signal of a case about the subject that is linked to another subject, unless a legal hold on that subject keeps it', async () => {
    const subjectId = await registeredSubject(actors, 'Gerda Wis');
    const otherSubject = await registeredSubject(actors, 'Hans Ander');
    const signalId = await signalInRouter(actors);
    expect((await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId: otherSubject } })).status).toBe(200);
    expect((await openCase({ model: 'ave', signalIds: [signalId], subjectId })).status).toBe(201);
    const hold = await h.request('POST', '/v1/legal-holds', { token: admin, body: { target: { kind: 'subject', id: otherSubject }, reason: 'Strafrechtelijk onderzoek, PV 2026-0042' } });
    expect(hold.status).toBe(201);

    const refused = await erase(subjectId);
    expect([refused.status, refused.body.code, refused.body.holds]).toEqual([409, 'PRIVACY.LEGAL_HOLD', [{ holdId: hold.body.holdId, owner: `subject:${otherSubject}` }]]);
    expect(await liveKeys([`subject:${subjectId}`, `signal:${signalId}`])).toHaveLength(2);

    expect((await h.request('POST', `/v1/legal-holds/${hold.body.holdId}/lift`, { token: admin, body: { reason: 'Onderzoek afgerond, PV gesloten' } })).status).toBe(200);
    const erased = await erase(subjectId);
    expect([erased.status, erased.body.signalIds]).toEqual([200, [signalId]]);
    // The other subject's identity is its own: only the signal in the erased person's case went.
    expect(await liveKeys([`subject:${otherSubject}`, `signal:${signalId}`])).toEqual([`subject:${otherSubject}`]);
  });

  it('refuses to add a signal to a case about an erased subject: 410 PRIVACY.ERASED, the signal keeps its data', async () => {
    const subjectId = await registeredSubject(actors, 'Klaas Wis');
    const opened = await openCase({ model: 'ave', signalIds: [await signalInRouter(actors)], subjectId });
    expect(opened.status).toBe(201);
    expect((await erase(subjectId)).status).toBe(200);
    const fresh = await signalInRouter(actors);
    const added = await h.request('POST', `/v1/cases/${opened.body.caseId}/signals`, { token: coordinator, body: { signalId: fresh } });
    expect([added.status, added.body.code]).toEqual([410, 'PRIVACY.ERASED']);
    expect(await h.query("SELECT 1 FROM events WHERE type = 'SignalAddedToCase' AND payload->>'signalId' = $1", [fresh])).toHaveLength(0);
    expect(await liveKeys([`signal:${fresh}`])).toEqual([`signal:${fresh}`]);
  });

  it('a case commit putting such a signal in another case while the erasure runs is waited for, and that case is erased too', async () => {
    const subjectId = await registeredSubject(actors, 'Lies Wis');
    const signalId = await signalInRouter(actors);
    expect((await openCase({ model: 'ave', signalIds: [signalId], subjectId })).status).toBe(201);
    const otherSignal = await signalInRouter(actors);
    const other = await openCase({ model: 'ave', signalIds: [otherSignal] });
    expect(other.status).toBe(201);
    // A case commit in flight that puts the signal in the other case: its guard holds the signal's key row, and its
    // write of the case is not committed yet.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let guarded!: () => void;
    const inFlight = new Promise<void>((resolve) => (guarded = resolve));
    const commit = h.db.transaction(async (tx) => {
      await tx.query('SELECT case_signals_assert_not_erased(ARRAY[$1]::uuid[])', [signalId]);
      await tx.query("UPDATE case_view SET state = jsonb_set(state, '{signalIds}', (state->'signalIds') || to_jsonb($1::text)) WHERE case_id = $2", [signalId, other.body.caseId]);
      guarded();
      await released;
    });
    await inFlight;
    const before = await waitingOnLocks(h);
    const erasure = erase(subjectId);
    await waitFor(async () => (await waitingOnLocks(h)) > before, { what: 'the erasure waiting on the case commit' });
    release();
    await commit;
    expect((await erasure).status).toBe(200);
    expect(await liveKeys([`signal:${signalId}`, `case:${other.body.caseId}`, `signal:${otherSignal}`])).toEqual([`signal:${otherSignal}`]);
  });

  it("a case opened from a signal while an erasure destroys the signal's key waits for it and is refused", async () => {
    const signalId = await signalInRouter(actors);
    // An erasure in flight: it has destroyed the signal's key and not committed yet.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let destroyed!: () => void;
    const keyDestroyed = new Promise<void>((resolve) => (destroyed = resolve));
    const erasure = h.db.transaction(async (tx) => {
      await tx.query('UPDATE data_keys SET wrapped_key = NULL, destroyed_at = now() WHERE owner = $1', [`signal:${signalId}`]);
      destroyed();
      await released;
    });
    await keyDestroyed;
    const before = await waitingOnLocks(h);
    let answered = false;
    const opening = openCase({ model: 'ave', signalIds: [signalId] }).finally(() => (answered = true));
    await waitFor(async () => answered || (await waitingOnLocks(h)) > before, { what: 'the case commit waiting on the key, or answered' });
    release();
    await erasure;
    const res = await opening;
    expect([res.status, res.body.code]).toEqual([410, 'PRIVACY.ERASED']);
    expect(await casesOpenedFrom(signalId)).toBe(0);
  });
});
