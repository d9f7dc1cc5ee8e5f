import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS } from '#contracts';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { mmaPayload, zorgmeldingPayload } from '../../apps/intake/test/support/intake-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';
import { replayConverges } from '../support/replay-converges.js';
import type { TopicWatcher } from '../support/kafka-probe.js';

/**
 * Privacy end to end on real PostgreSQL and Kafka: personal data is sealed under per-owner data keys
 * (a signal's at intake, a subject's at registration); erasure destroys the keys of the subject and its
 * linked signals. Afterwards every API that showed the data shows it as removed, replays rebuild the same
 * (redacted) views, and the ledger still verifies. Raw rows and raw Kafka messages never hold the plaintext.
 */

let h: AppHarness;
let watcher: TopicWatcher;
const home = `GM${String(1000 + Math.floor(Math.random() * 8000)).padStart(4, '0')}`;
let intakeSystem: string;
let coordinator: string;
let admin: string;
let auditor: string;

const tag = () => randomUUID().slice(0, 8);
const person = { name: `Erik Wisbaar ${tag()}`, bsn: '111222333', birthDate: '1970-03-04', address: `Wislaan ${Math.floor(Math.random() * 900) + 1}` };
const concern = `Verward gedrag ${tag()}`;
const reporter = { name: `Melder Mevrouw ${tag()}`, contact: `melder-${tag()}@example.nl`, relation: 'familie' };
const noteText = `Gesprek met broer, wil geen hulp ${tag()}`;
const reasonText = `Hulpverlening stagneert bij Erik ${tag()}`;
let subjectId: string;
let signalId: string;
let caseId: string;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  watcher = await h.watch([TOPICS.signals, TOPICS.cases]);
  intakeSystem = await h.token('intake-system', [home], { subject: 'connector' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-anna' });
  admin = await h.token('admin', [home], { subject: 'admin-fg' });
  auditor = await h.token('auditor', [], { subject: 'auditor-ad' });

  const registered = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: home, ...person } });
  expect(registered.status).toBe(201);
  subjectId = registered.body.subjectId;
  const received = await h.request('POST', '/v1/signals/zorgmelding', { token: intakeSystem, body: zorgmeldingPayload(home, reporter, { concern, subject: person }) });
  expect(received.status).toBe(201);
  signalId = received.body.signalId;
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [signalId])).length > 0, { what: 'signal in the router' });
  const linked = await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId } });
  expect(linked.status).toBe(200);
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND subject_id = $2', [signalId, subjectId])).length > 0, { what: 'link in the router' });
  // A case about the person, with free text written into it: a note and a transition reason.
  const opened = await h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [signalId], subjectId } });
  expect(opened.status).toBe(201);
  caseId = opened.body.caseId;
  expect((await h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: { text: noteText, visibility: 'intern' } })).status).toBe(200);
  const up = await h.request('POST', `/v1/cases/${caseId}/transitions`, { token: coordinator, body: { transition: 'opschalen-ave-2', reasonCategory: 'stagnatie', reason: reasonText } });
  expect(up.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await watcher?.stop();
  await h?.stop();
});

const plaintexts = () => [person.name, person.bsn, person.address, concern, reporter.name, reporter.contact, noteText, reasonText];

/** Every text column of the tables that hold events, read models, vault and keys, as one string. */
async function rawDatabaseText(): Promise<string> {
  const tables = ['events', 'outbox', 'triage_queue', 'router_signals', 'subjects', 'reporter_vault', 'data_keys', 'case_view'];
  const parts: string[] = [];
  for (const table of tables) {
    const rows = await h.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t`);
    parts.push(...rows.map((r) => r.row));
  }
  return parts.join('\n');
}

describe('personal data at rest and on Kafka', () => {
  it('is sealed: no raw PostgreSQL row and no raw Kafka message holds the name, BSN, address, concern or reporter', async () => {
    await waitFor(() => watcher.messages.some((m) => m.value.toString('utf8').includes(signalId)), { what: "the signal's message on Kafka" });
    const kafka = watcher.messages.map((m) => `${m.key ?? ''}${m.value.toString('utf8')}${JSON.stringify(m.headers)}`).join('\n');
    const database = await rawDatabaseText();
    expect(database).toContain(signalId); // the scan reads the rows that carry this signal
    for (const value of plaintexts()) {
      expect(database).not.toContain(value);
      expect(kafka).not.toContain(value);
    }
  });

  it('is readable through the API for those who may see it', async () => {
    const subject = await h.request('GET', `/v1/subjects/${subjectId}`, { token: coordinator });
    expect(subject.body).toMatchObject({ name: person.name, bsn: person.bsn, birthDate: person.birthDate, personalDataErased: false });
    const signal = await h.request('GET', `/v1/signals/${signalId}`, { token: coordinator });
    expect(signal.body).toMatchObject({ details: { concern, subject: { name: person.name, bsn: person.bsn } }, personalDataErased: false });
    const vault = await h.request('POST', `/v1/signals/${signalId}/reporter-access`, { token: coordinator, body: { reason: 'Terugkoppeling aan melder' } });
    expect(vault.status).toBe(200);
    expect(vault.body.reporter).toMatchObject({ name: reporter.name });
    const kase = await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator });
    expect(kase.body).toMatchObject({ notes: [{ text: noteText }], personalDataErased: false });
    const history = await h.request('GET', `/v1/cases/${caseId}/history`, { token: coordinator });
    expect(history.text).toContain(reasonText);
    const trail = await h.request('GET', `/v1/audit/cases/${caseId}`, { token: auditor });
    expect(trail.text).toContain(reasonText);
  });
});

describe('POST /v1/subjects/{id}/erasure', () => {
  it('is for administrators only, wants a reason, and changes nothing when refused', async () => {
    expect((await h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: coordinator, body: { reason: 'Verzoek van betrokkene' } })).status).toBe(403);
    const short = await h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: admin, body: { reason: 'kort' } });
    expect(short.status).toBe(400);
    expect(short.body.code).toBe('VALIDATION.FAILED');
    expect((await h.request('POST', `/v1/subjects/${randomUUID()}/erasure`, { token: admin, body: { reason: 'Verzoek van betrokkene' } })).status).toBe(404);
    // An administrator whose token does not name the subject's municipality cannot erase it, nor tell that it exists.
    const otherAdmin = await h.token('admin', ['GM0003'], { subject: 'admin-elders' });
    const crossAdmin = await h.token('admin', [], { subject: 'admin-landelijk' });
    for (const token of [otherAdmin, crossAdmin]) {
      const res = await h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token, body: { reason: 'Verzoek van betrokkene' } });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'SUBJECT.NOT_FOUND' });
    }
    expect(await h.query('SELECT 1 FROM data_keys WHERE destroyed_at IS NOT NULL AND owner = ANY($1)', [[`subject:${subjectId}`, `signal:${signalId}`]])).toHaveLength(0);
  });

  it('is refused while a legal hold covers the subject, its signals or their cases, and destroys nothing', async () => {
    const placed = await h.request('POST', '/v1/legal-holds', { token: admin, body: { target: { kind: 'signal', id: signalId }, reason: 'Lopend strafrechtelijk onderzoek' } });
    expect(placed.status).toBe(201);
    const refused = await h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: admin, body: { reason: 'Verzoek van betrokkene AVG art. 17' } });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('PRIVACY.LEGAL_HOLD');
    expect(refused.body.holds).toEqual([{ holdId: placed.body.holdId, owner: `signal:${signalId}` }]);
    expect(await h.query('SELECT 1 FROM data_keys WHERE destroyed_at IS NOT NULL AND owner = ANY($1)', [[`subject:${subjectId}`, `signal:${signalId}`]])).toHaveLength(0);
    const lifted = await h.request('POST', `/v1/legal-holds/${placed.body.holdId}/lift`, { token: admin, body: { reason: 'Onderzoek afgerond' } });
    expect(lifted.status).toBe(200);
  });

  it('destroys the keys of the subject and its linked signals and records who approved it, under which rule and why', async () => {
    const before = await h.request('POST', '/v1/audit/verify', { token: auditor, body: {} });
    expect(before.body.ok).toBe(true);
    const res = await h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: admin, body: { reason: 'Verzoek van betrokkene AVG art. 17, kenmerk W-2026-17' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ subjectId, keysDestroyed: 3, signalIds: [signalId], destructionId: expect.any(String) });
    const [record] = await h.query<Record<string, unknown>>('SELECT owner, municipality, rule, reason, approved_by, approved_role, keys_destroyed FROM destruction_records WHERE destruction_id = $1', [res.body.destructionId]);
    expect(record).toEqual({ owner: `subject-${subjectId}`, municipality: home, rule: 'verzoek-tot-wissing', reason: 'Verzoek van betrokkene AVG art. 17, kenmerk W-2026-17', approved_by: 'admin-fg', approved_role: 'admin', keys_destroyed: 3 });
    const events = await h.query<{ type: string; actor_id: string }>('SELECT type, actor_id FROM events WHERE stream_id = $1 ORDER BY stream_version', [`subject-${subjectId}`]);
    expect(events.map((e) => e.type)).toEqual(['SubjectRegistered', 'PersonalDataShredded']);
  });

  it('shows the data as removed in every API that showed it', async () => {
    const subject = await h.request('GET', `/v1/subjects/${subjectId}`, { token: coordinator });
    expect(subject.status).toBe(200);
    expect(subject.body).toMatchObject({ subjectId, kind: 'person', municipality: home, name: null, bsn: null, birthDate: null, address: null, personalDataErased: true });
    const signal = await h.request('GET', `/v1/signals/${signalId}`, { token: coordinator });
    expect(signal.status).toBe(200);
    expect(signal.body).toMatchObject({ signalId, source: 'zorgmelding', personalDataErased: true, details: { concern: null, subject: { name: null, bsn: null } } });
    const vault = await h.request('POST', `/v1/signals/${signalId}/reporter-access`, { token: coordinator, body: { reason: 'Terugkoppeling aan melder' } });
    expect(vault.status).toBe(410);
    expect(vault.body.code).toBe('PRIVACY.ERASED');
    const suggestions = await h.request('GET', `/v1/signals/${signalId}/subject-suggestions`, { token: coordinator });
    expect(suggestions.body.suggestions).toEqual([]);
    const kase = await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator });
    expect(kase.body).toMatchObject({ caseId, currentState: 'ave-2', notes: [{ text: null }], personalDataErased: true });
    const history = await h.request('GET', `/v1/cases/${caseId}/history`, { token: coordinator });
    expect(history.body.personalDataErased).toBe(true);
    const trail = await h.request('GET', `/v1/audit/cases/${caseId}`, { token: auditor });
    expect(trail.body.personalDataErased).toBe(true);
    const note = await h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: { text: 'Nog een notitie over hem', visibility: 'intern' } });
    expect({ status: note.status, code: note.body.code }).toEqual({ status: 410, code: 'PRIVACY.ERASED' });
    // No new case about the erased subject either (as no signal can be linked to it).
    const fresh = await h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: mmaPayload(home) });
    expect(fresh.status).toBe(201);
    await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [fresh.body.signalId])).length > 0, { what: 'the tip in the router' });
    const about = await h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [fresh.body.signalId], subjectId } });
    expect({ status: about.status, code: about.body.code }).toEqual({ status: 410, code: 'PRIVACY.ERASED' });
    expect(await h.query("SELECT 1 FROM events WHERE type = 'CaseOpened' AND payload->'signalIds' ? $1", [fresh.body.signalId])).toHaveLength(0);
    // Nor from a signal linked to it, the subject not named.
    const fromLinked = await h.request('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [signalId] } });
    expect({ status: fromLinked.status, code: fromLinked.body.code }).toEqual({ status: 410, code: 'PRIVACY.ERASED' });
    for (const text of [subject.text, signal.text, vault.text, suggestions.text, kase.text, history.text, trail.text]) for (const value of plaintexts()) expect(text).not.toContain(value);
  });

  it('no longer matches the subject for a new signal about the same person', async () => {
    const again = await h.request('POST', '/v1/signals/zorgmelding', { token: intakeSystem, body: zorgmeldingPayload(home, reporter, { subject: person }) });
    expect(again.status).toBe(201);
    await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [again.body.signalId])).length > 0, { what: 'new signal in the router' });
    const suggestions = await h.request('GET', `/v1/signals/${again.body.signalId}/subject-suggestions`, { token: coordinator });
    expect(suggestions.status).toBe(200);
    expect(suggestions.body.suggestions.map((s: { subjectId: string }) => s.subjectId)).not.toContain(subjectId);
  });

  it('is idempotent: a second request destroys and records nothing (409 PRIVACY.ALREADY_ERASED)', async () => {
    const res = await h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: admin, body: { reason: 'Verzoek van betrokkene, herhaald' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('PRIVACY.ALREADY_ERASED');
    expect(await h.query('SELECT 1 FROM destruction_records WHERE owner = $1', [`subject-${subjectId}`])).toHaveLength(1);
  });

  it('leaves the ledger verifiable and the replayed views identical to the live (redacted) ones', async () => {
    const verify = await h.request('POST', '/v1/audit/verify', { token: auditor, body: {} });
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, firstBreak: null });
    for (const projection of ['triage-queue', 'router-signals']) await replayConverges(h, auditor, projection);
    const bundle = await h.request('GET', `/v1/audit/streams/signal-${signalId}/bundle`, { token: auditor });
    expect(bundle.status).toBe(200);
    expect(bundle.text).toContain('SignalReceived');
    for (const value of plaintexts()) expect(bundle.text).not.toContain(value);
  });
});
