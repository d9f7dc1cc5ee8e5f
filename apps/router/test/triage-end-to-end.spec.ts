import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS, type EventEnvelope } from '#contracts';
import type { IncomingMessage } from '#messaging';
import { KEYRING, type Keyring } from '#platform';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import type { TopicWatcher } from '../../../test/support/kafka-probe.js';
import { INTAKE_APP, internMeldpuntPayload, mmaPayload, zorgmeldingPayload } from '../../intake/test/support/intake-fixtures.js';
import { TriageQueueProjection } from '../../intake/src/triage-queue/triage-queue.projection.js';
import { RouterSignalsProjection } from '../src/signals/router-signals.projection.js';
import { caseOpenedEnvelope, routerSignalRow, signalEvents, testMunicipalities, TRIAGE_TEST_APP } from './support/triage-app.js';

/**
 * Triage end to end on real PostgreSQL and Kafka: intake → SignalReceived on Kafka → the router's signal read
 * model → subject suggestions; linking and dismissing append events on the signal's stream, which reach the
 * router's read model (statistics) and the intake's triage queue over Kafka; case events from the cases topic
 * put signals "in behandeling"; redelivered events change nothing.
 */

let h: AppHarness;
let watcher: TopicWatcher;
const [home, elsewhere, statsHome] = testMunicipalities(3) as [string, string, string];
let intakeSystem: string;
let coordinator: string;
let statsCoordinator: string;
let elsewhereCoordinator: string;

beforeAll(async () => {
  h = await startApp({ apps: [INTAKE_APP, TRIAGE_TEST_APP] });
  watcher = await h.watch([TOPICS.signals]);
  intakeSystem = await h.token('intake-system', [home, statsHome, elsewhere], { subject: 'connector' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-anna' });
  statsCoordinator = await h.token('coordinator', [statsHome], { subject: 'coordinator-bram' });
  elsewhereCoordinator = await h.token('coordinator', [elsewhere], { subject: 'coordinator-cees' });
});

afterAll(async () => {
  await h?.stop();
});

/** Receives a signal through intake and waits until the router's read model has it. */
async function receive(source: 'mma' | 'intern-meldpunt' | 'zorgmelding', body: unknown): Promise<string> {
  const res = await h.request('POST', `/v1/signals/${source}`, { token: intakeSystem, body });
  expect(res.status).toBe(201);
  const signalId: string = res.body.signalId;
  await waitFor(() => routerSignalRow(h, signalId).then((r) => r?.source === source), { what: `signal ${signalId} in router_signals` });
  return signalId;
}

async function registerSubject(token: string, body: Record<string, unknown>): Promise<string> {
  const res = await h.request('POST', '/v1/subjects', { token, body });
  expect(res.status).toBe(201);
  return res.body.subjectId;
}

/** The signal as the intake's triage queue shows it, once `ready` holds. */
async function inQueue(signalId: string, token: string, ready: (item: Record<string, any>) => boolean): Promise<Record<string, any>> {
  return waitFor(async () => {
    const res = await h.request('GET', `/v1/signals/${signalId}`, { token });
    return res.status === 200 && ready(res.body) ? res.body : undefined;
  }, { what: `signal ${signalId} in the triage queue` });
}

const zorgmelding = (municipality: string, subject: Record<string, unknown>) => zorgmeldingPayload(municipality, undefined, { subject });

describe('subject registry and suggestions', () => {
  it('registers a subject with a SubjectRegistered event and row in one go, and reads it back in its municipality only', async () => {
    const before = await h.countEvents();
    const res = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: home, name: 'Registratie Test', bsn: '12345672', postcode: '7511 aa' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'person', municipality: home, name: 'Registratie Test', bsn: '012345672', postcode: '7511AA', birthDate: null });
    expect(res.headers.get('location')).toBe(`/v1/subjects/${res.body.subjectId}`);
    expect(await h.countEvents()).toBe(before + 1);
    const [event] = await h.query<{ type: string; stream_version: number; municipality: string; actor_id: string }>('SELECT type, stream_version, municipality, actor_id FROM events WHERE stream_id = $1', [`subject-${res.body.subjectId}`]);
    expect(event).toEqual({ type: 'SubjectRegistered', stream_version: 1, municipality: home, actor_id: 'coordinator-anna' });

    expect((await h.request('GET', `/v1/subjects/${res.body.subjectId}`, { token: coordinator })).body).toEqual(res.body);
    const other = await h.request('GET', `/v1/subjects/${res.body.subjectId}`, { token: elsewhereCoordinator });
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 404, code: 'SUBJECT.NOT_FOUND' });
  });

  it('suggests subjects for a zorgmelding by BSN, by name with birth date and by address, best first, only of its municipality', async () => {
    const person = { name: 'J. de Vries', birthDate: '1980-05-17', bsn: '111222333', address: 'Dorpsstraat 2' };
    const byBsn = await registerSubject(coordinator, { kind: 'person', municipality: home, name: 'Jan Pietersen', bsn: '111222333' });
    const byName = await registerSubject(coordinator, { kind: 'person', municipality: home, name: 'j.  DE VRIES', birthDate: '1980-05-17' });
    const byAddress = await registerSubject(coordinator, { kind: 'person', municipality: home, name: 'K. Bakker', address: 'dorpsstr. 2' });
    await registerSubject(coordinator, { kind: 'person', municipality: home, name: 'J. de Vries', birthDate: '1980-05-17', bsn: '123456782' }); // another BSN: another person
    await registerSubject(coordinator, { kind: 'business', municipality: home, name: 'J. de Vries BV', address: 'Dorpsstraat 2' }); // another kind
    await registerSubject(elsewhereCoordinator, { kind: 'person', municipality: elsewhere, name: 'J. de Vries', bsn: '111222333' }); // another municipality

    const signalId = await receive('zorgmelding', zorgmelding(home, person));
    const res = await h.request('GET', `/v1/signals/${signalId}/subject-suggestions`, { token: coordinator });
    expect(res.status).toBe(200);
    expect(res.body.signalId).toBe(signalId);
    expect(res.body.suggestions.map((s: any) => ({ subjectId: s.subjectId, score: s.score, reasons: s.reasons }))).toEqual([
      { subjectId: byBsn, score: 100, reasons: ['bsn'] },
      { subjectId: byName, score: 80, reasons: ['name+birthDate'] },
      { subjectId: byAddress, score: 45, reasons: ['address'] },
    ]);
    expect(res.body.suggestions[0]).toMatchObject({ kind: 'person', name: 'Jan Pietersen' });
    expect(res.text).not.toContain('111222333'); // the reason says the BSN matched; the number itself is not repeated

    const other = await h.request('GET', `/v1/signals/${signalId}/subject-suggestions`, { token: elsewhereCoordinator });
    expect({ status: other.status, code: other.body.code }).toEqual({ status: 404, code: 'SIGNAL.NOT_FOUND' });
  });

  it('suggests an address for an MMA tip by postcode and house number, and a business for an intern-meldpunt report by KvK number', async () => {
    const address = await registerSubject(coordinator, { kind: 'address', municipality: home, address: 'Loodsweg 3', postcode: '7522 AB' });
    const tip = await receive('mma', mmaPayload(home, { location: { municipality: home, address: 'Loodsweg 3', postcode: '7522AB' } }));
    const tipSuggestions = await h.request('GET', `/v1/signals/${tip}/subject-suggestions`, { token: coordinator });
    expect(tipSuggestions.body.suggestions.map((s: any) => [s.subjectId, s.reasons])).toEqual([[address, ['address']]]);

    const business = await registerSubject(coordinator, { kind: 'business', municipality: home, name: 'Snackbar De Hoek', kvkNumber: '1234 5678' });
    const report = await receive('intern-meldpunt', internMeldpuntPayload(home));
    const reportSuggestions = await h.request('GET', `/v1/signals/${report}/subject-suggestions`, { token: coordinator });
    expect(reportSuggestions.body.suggestions.map((s: any) => [s.subjectId, s.score, s.reasons])).toEqual([[business, 90, ['kvk']]]);
  });
});

describe('linking repeats to one subject', () => {
  it('repeat zorgmeldingen about one person, linked to one subject, count as registrations but once as a subject; small counts show as <5', async () => {
    const person = { name: 'M. Jansen', birthDate: '1975-03-04', bsn: '123456782' };
    const first = await receive('zorgmelding', zorgmelding(statsHome, person));
    const second = await receive('zorgmelding', zorgmelding(statsHome, { name: 'Marietje Jansen' }));
    await receive('mma', mmaPayload(statsHome, { theme: 'drugs' }));
    const subjectId = await registerSubject(statsCoordinator, { kind: 'person', municipality: statsHome, ...person });

    for (const signalId of [first, second]) {
      const res = await h.request('POST', `/v1/signals/${signalId}/subject`, { token: statsCoordinator, body: { subjectId } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ signalId, status: 'gekoppeld', subjectId, caseId: null, changed: true });
      const events = await signalEvents(h, signalId);
      expect(events.map((e) => [e.type, e.streamVersion])).toEqual([['SignalReceived', 1], ['SignalLinkedToSubject', 2]]);
      expect(events[1]).toMatchObject({ municipality: statsHome, actor: { id: 'coordinator-bram', role: 'coordinator' }, specialCategory: true, processingActivity: 'signaaltriage', payload: { signalId, subjectId, previousSubjectId: null } });
      // On Kafka, after the signal's SignalReceived, under the same key.
      const messages = await watcher.waitFor((m) => m.key === `signal-${signalId}`, { count: 2, what: `both events of signal ${signalId}` });
      expect(messages.map((m) => JSON.parse(m.value.toString('utf8')).type)).toEqual(['SignalReceived', 'SignalLinkedToSubject']);
    }

    // Linking again to the same subject: 200, nothing appended.
    const before = await h.countEvents();
    const again = await h.request('POST', `/v1/signals/${first}/subject`, { token: statsCoordinator, body: { subjectId } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'gekoppeld', subjectId, changed: false });
    expect(await h.countEvents()).toBe(before);

    for (const signalId of [first, second]) {
      await waitFor(() => routerSignalRow(h, signalId).then((r) => r?.subject_id === subjectId), { what: 'the link in router_signals' });
      expect(await inQueue(signalId, statsCoordinator, (i) => i.status === 'gekoppeld')).toMatchObject({ subjectId, caseId: null });
    }
    const small = await h.request('GET', `/v1/statistics/signals?municipality=${statsHome}`, { token: statsCoordinator });
    expect(small.status).toBe(200);
    // 3 registrations and 2 subjects so far: counts of 1 to 4 are shown as "<5", zeros as they are.
    expect(small.body).toEqual({
      municipality: statsHome,
      from: null,
      to: null,
      total: { registrations: '<5', uniqueSubjects: '<5', dismissed: 0 },
      bySource: [
        { source: 'mma', registrations: '<5', uniqueSubjects: '<5', dismissed: 0 },
        { source: 'intern-meldpunt', registrations: 0, uniqueSubjects: 0, dismissed: 0 },
        { source: 'zorgmelding', registrations: '<5', uniqueSubjects: '<5', dismissed: 0 },
      ],
      byTheme: [{ theme: 'drugs', registrations: '<5', uniqueSubjects: '<5', dismissed: 0 }],
    });

    // Four more people with two zorgmeldingen each, each pair linked to its person: 10 zorgmeldingen, 5 people.
    for (let i = 0; i < 4; i++) {
      const other = await registerSubject(statsCoordinator, { kind: 'person', municipality: statsHome, name: `Persoon ${i} Herhaald`, birthDate: `198${i}-01-02` });
      for (let n = 0; n < 2; n++) {
        const signalId = await receive('zorgmelding', zorgmelding(statsHome, { name: `Persoon ${i} Herhaald` }));
        expect((await h.request('POST', `/v1/signals/${signalId}/subject`, { token: statsCoordinator, body: { subjectId: other } })).status).toBe(200);
        await waitFor(() => routerSignalRow(h, signalId).then((r) => r?.subject_id === other), { what: 'the link in router_signals' });
      }
    }
    const stats = await h.request('GET', `/v1/statistics/signals?municipality=${statsHome}`, { token: statsCoordinator });
    expect(stats.body).toEqual({
      municipality: statsHome,
      from: null,
      to: null,
      total: { registrations: 11, uniqueSubjects: 6, dismissed: 0 },
      bySource: [
        { source: 'mma', registrations: '<5', uniqueSubjects: '<5', dismissed: 0 },
        { source: 'intern-meldpunt', registrations: 0, uniqueSubjects: 0, dismissed: 0 },
        { source: 'zorgmelding', registrations: 10, uniqueSubjects: 5, dismissed: 0 },
      ],
      byTheme: [{ theme: 'drugs', registrations: '<5', uniqueSubjects: '<5', dismissed: 0 }],
    });

    // A period is a range of Dutch calendar days, both included.
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());
    const inPeriod = await h.request('GET', `/v1/statistics/signals?municipality=${statsHome}&from=${today}&to=${today}`, { token: statsCoordinator });
    expect(inPeriod.body.total).toEqual({ registrations: 11, uniqueSubjects: 6, dismissed: 0 });
    const before2000 = await h.request('GET', `/v1/statistics/signals?municipality=${statsHome}&to=1999-12-31`, { token: statsCoordinator });
    expect(before2000.body.total).toEqual({ registrations: 0, uniqueSubjects: 0, dismissed: 0 });
    const auditor = await h.token('auditor');
    expect((await h.request('GET', `/v1/statistics/signals?municipality=${statsHome}`, { token: auditor })).body.total).toEqual({ registrations: 11, uniqueSubjects: 6, dismissed: 0 });
  });
});

describe('dismissal', () => {
  it('dismisses a signal with a reason: SignalDismissed on its stream, afgewezen in the triage queue and the router', async () => {
    const signalId = await receive('mma', mmaPayload(home));
    const res = await h.request('POST', `/v1/signals/${signalId}/dismissal`, { token: coordinator, body: { reason: '  Geen ondermijning, geen gemeentelijke taak.  ' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ signalId, status: 'afgewezen', subjectId: null, caseId: null, changed: true });
    const events = await signalEvents(h, signalId);
    expect(events.map((e) => e.type)).toEqual(['SignalReceived', 'SignalDismissed']);
    // The reason is sealed under the signal's data key (test/privacy/dismissal-reason-is-sealed.spec.ts) and opens trimmed.
    expect(events[1]!.payload).toEqual({ signalId, reason: expect.stringMatching(/^pd1\./) });
    const keyring = h.running.app.get<Keyring>(KEYRING, { strict: false });
    expect((await keyring.reveal(events[1]!.payload)).value).toEqual({ signalId, reason: 'Geen ondermijning, geen gemeentelijke taak.' });
    expect(events[1]!.specialCategory).toBe(false);

    expect(await inQueue(signalId, coordinator, (i) => i.status === 'afgewezen')).toMatchObject({ signalId, status: 'afgewezen' });
    const listed = await h.request('GET', `/v1/signals?municipality=${home}&status=afgewezen`, { token: coordinator });
    expect(listed.body.items.map((i: any) => i.signalId)).toContain(signalId);
    await waitFor(() => routerSignalRow(h, signalId).then((r) => r?.status === 'afgewezen' && r.dismissed === true), { what: 'afgewezen in router_signals' });
  });
});

describe('case membership from the cases topic', () => {
  it('a case opened from a signal puts it in behandeling in the router and the triage queue; it cannot be dismissed, but can be linked', async () => {
    const signalId = await receive('zorgmelding', zorgmelding(home, { name: 'Casus Persoon' }));
    const opened = await h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [signalId] } });
    expect(opened.status).toBe(201);
    const caseId: string = opened.body.caseId;

    await waitFor(() => routerSignalRow(h, signalId).then((r) => r?.case_id === caseId && r.status === 'in-behandeling'), { what: 'the case in router_signals' });
    expect(await inQueue(signalId, coordinator, (i) => i.status === 'in-behandeling')).toMatchObject({ caseId, subjectId: null });

    const before = await h.countEvents();
    const dismissal = await h.request('POST', `/v1/signals/${signalId}/dismissal`, { token: coordinator, body: { reason: 'Toch geen zorgen' } });
    expect({ status: dismissal.status, code: dismissal.body.code }).toEqual({ status: 409, code: 'SIGNAL.IN_CASE' });
    expect(dismissal.contentType).toMatch(/^application\/problem\+json/);
    expect(await h.countEvents()).toBe(before);

    const subjectId = await registerSubject(coordinator, { kind: 'person', municipality: home, name: 'Casus Persoon' });
    const link = await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId } });
    expect(link.body).toEqual({ signalId, status: 'in-behandeling', subjectId, caseId, changed: true });
    expect(await inQueue(signalId, coordinator, (i) => i.subjectId === subjectId)).toMatchObject({ status: 'in-behandeling', caseId });
  });

  it('opening a case puts its signals in behandeling in the case commit itself: the router reads no case events from Kafka', async () => {
    const signalId = await receive('mma', mmaPayload(home));
    const opened = await h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [signalId] } });
    expect(opened.status).toBe(201);
    // No waiting: the row changed in the statement that appended CaseOpened (any router process on this database).
    expect(await routerSignalRow(h, signalId)).toMatchObject({ case_id: opened.body.caseId, status: 'in-behandeling' });
    const other = await receive('mma', mmaPayload(home));
    const added = await h.request('POST', `/v1/cases/${opened.body.caseId}/signals`, { token: coordinator, body: { signalId: other }, headers: { 'if-match': opened.headers.get('etag')! } });
    expect(added.status).toBe(200);
    expect(await routerSignalRow(h, other)).toMatchObject({ case_id: opened.body.caseId, status: 'in-behandeling' });
  });

  it('a case event that arrives before its signal is kept, and the signal starts in the case', async () => {
    const template = (await signalEvents(h, await receive('mma', mmaPayload(home))))[0]!;
    const signalId = randomUUID();
    const caseId = randomUUID();
    const received: EventEnvelope = { ...template, id: randomUUID(), streamId: `signal-${signalId}`, payload: { ...template.payload, signalId, externalRef: `MMA-late-${signalId}` } };
    const message = (topic: string, envelope: EventEnvelope, offset: string): IncomingMessage => ({ topic, partition: 0, offset, key: envelope.streamId, value: Buffer.from(JSON.stringify(envelope)), headers: {}, attempt: 1, publishedAt: Date.now() });
    const caseMessage = message(TOPICS.cases, { ...caseOpenedEnvelope(home, caseId, [signalId], randomUUID()), payload: { caseId, signalId }, type: 'SignalAddedToCase' }, '1');
    const receivedMessage = message(TOPICS.signals, received, '2');

    const projection = h.running.app.get(RouterSignalsProjection, { strict: false });
    expect(await projection.handle(caseMessage)).toBe(true);
    expect(await h.request('GET', `/v1/signals/${signalId}/subject-suggestions`, { token: coordinator }).then((r) => r.status)).toBe(404); // not there yet
    expect(await projection.handle(receivedMessage)).toBe(true);
    expect(await routerSignalRow(h, signalId)).toMatchObject({ municipality: home, source: 'mma', theme: 'drugs', case_id: caseId, status: 'in-behandeling' });

    const queue = h.running.app.get(TriageQueueProjection, { strict: false });
    await queue.handleBatch([caseMessage]);
    await queue.handleBatch([receivedMessage]);
    expect((await h.request('GET', `/v1/signals/${signalId}`, { token: coordinator })).body).toMatchObject({ status: 'in-behandeling', caseId });
  });
});

describe('redelivery', () => {
  it('a redelivered SignalReceived or SignalLinkedToSubject changes nothing in router_signals', async () => {
    const signalId = await receive('zorgmelding', zorgmelding(home, { name: 'Herhaal Persoon', bsn: '123456782' }));
    const subjectId = await registerSubject(coordinator, { kind: 'person', municipality: home, name: 'Herhaal Persoon' });
    expect((await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId } })).status).toBe(200);
    await waitFor(() => routerSignalRow(h, signalId).then((r) => r?.subject_id === subjectId), { what: 'the link in router_signals' });
    const [received, linked] = await signalEvents(h, signalId);
    const row = await routerSignalRow(h, signalId);
    expect(row).toMatchObject({ source: 'zorgmelding', status: 'gekoppeld', hints: { kind: 'person', name: expect.stringMatching(/^pd1\./), bsn: expect.stringMatching(/^pd1\./) }, reporter_relation: 'familie', wvggz: true });

    // Directly: the projection says "duplicate" and the row stays as it was.
    const projection = h.running.app.get(RouterSignalsProjection, { strict: false });
    const asMessage = (e: EventEnvelope): IncomingMessage => ({ topic: TOPICS.signals, partition: 0, offset: '0', key: e.streamId, value: Buffer.from(JSON.stringify(e)), headers: {}, attempt: 2, publishedAt: Date.now() });
    expect(await projection.handle(asMessage(received!))).toBe(false);
    expect(await projection.handle(asMessage(linked!))).toBe(false);
    expect(await routerSignalRow(h, signalId)).toEqual(row);

    // Over Kafka: the duplicates go out under the signal's key, then a dismissal follows them on the same
    // partition; once that is applied, the duplicates were handled before it.
    await h.produce(TOPICS.signals, [received!, linked!].map((e) => ({ key: e.streamId, value: JSON.stringify(e) })));
    expect((await h.request('POST', `/v1/signals/${signalId}/dismissal`, { token: coordinator, body: { reason: 'Dubbele melding' } })).status).toBe(200);
    await waitFor(() => routerSignalRow(h, signalId).then((r) => r?.dismissed === true), { what: 'the dismissal in router_signals' });
    const after = await routerSignalRow(h, signalId);
    expect({ ...after, dismissed: undefined, status: undefined, updated_at: undefined }).toEqual({ ...row, dismissed: undefined, status: undefined, updated_at: undefined });
    const inbox = await h.query<{ message_id: string }>("SELECT message_id FROM inbox WHERE consumer = 'router.signals' AND message_id = ANY($1::text[])", [[received!.id, linked!.id]]);
    expect(inbox).toHaveLength(2);
  });
});
