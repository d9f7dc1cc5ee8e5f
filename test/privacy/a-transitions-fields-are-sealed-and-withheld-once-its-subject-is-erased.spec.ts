import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS } from '#contracts';
import { EventStore } from '#eventstore';
import { EVENT_STORE } from '#platform';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { caseReferredToRiec, mmaPayload } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';
import type { TopicWatcher } from '../support/kafka-probe.js';
import { privacyActors, registeredSubject, signalInRouter, type PrivacyActors } from './support/privacy-actors.js';

/**
 * A municipality's own model may ask for fields of its own on a transition: a "toelichting" about the person, a
 * number, a yes/no, a list of names. Those values are personal data as much as a reason is: sealed under the case's
 * data key before the events are stored (no raw row of the event store or case view and no Kafka message holds them),
 * opened as given by the case history and the auditor's decision trail, gone with the key when the subject is erased,
 * and withheld (not stored) when given after that. A guard still reads them as given. A table member's transition,
 * taken through their referral, is sealed alike. Fields stored in the clear before they were sealed still read. Real
 * PostgreSQL and Kafka.
 */

let h: AppHarness;
let a: PrivacyActors;
let watcher: TopicWatcher;
let auditor: string;
const tag = () => randomUUID().slice(0, 8);
const modelId = `eigen-velden-${tag()}`;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  a = await privacyActors(h, { coordinator: 'coordinator-fien', admin: 'admin-fg' });
  watcher = await h.watch([TOPICS.cases]);
  auditor = await h.token('auditor', [], { subject: 'auditor-ad' });
  const published = await h.request('POST', '/v1/models', {
    token: a.admin,
    body: {
      id: modelId,
      version: 1,
      title: 'Eigen velden',
      description: 'Een model van de gemeente met eigen velden bij een stap',
      initialState: 'melding',
      municipalities: [a.home],
      states: [
        { id: 'melding', title: 'Melding' },
        { id: 'gesprek', title: 'Gesprek' },
        { id: 'afgesloten', title: 'Afgesloten', terminal: true },
      ],
      transitions: [
        { name: 'gesprek-voeren', from: ['melding'], to: 'gesprek', rolesAllowed: ['coordinator'], requires: { fields: ['toelichting'] }, optionalFields: ['aantalKinderen', 'betrokkenen', 'spoed'] },
        { name: 'terug-naar-melding', from: ['gesprek'], to: 'melding', rolesAllowed: ['coordinator'], optionalFields: ['toelichting'] },
        { name: 'afsluiten-met-toestemming', from: ['gesprek'], to: 'afgesloten', rolesAllowed: ['coordinator'], requires: { fields: ['toestemming'] }, optionalFields: ['toelichting'], guard: { fieldEquals: { field: 'toestemming', value: true } } },
      ],
      deadlines: [],
    },
  });
  expect(published.status).toBe(201);
}, 120_000);
afterAll(async () => {
  await watcher?.stop();
  await h?.stop();
});

/** A case of the model about a registered person (their zorgmelding linked to them). */
async function caseAboutAPerson(): Promise<{ caseId: string; subjectId: string }> {
  const subjectId = await registeredSubject(a, 'Fenna Veld');
  const signalId = await signalInRouter(a);
  expect((await h.request('POST', `/v1/signals/${signalId}/subject`, { token: a.coordinator, body: { subjectId } })).status).toBe(200);
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND subject_id = $2', [signalId, subjectId])).length > 0, { what: 'link in the router' });
  const opened = await h.request('POST', '/v1/cases', { token: a.coordinator, body: { model: modelId, signalIds: [signalId], subjectId } });
  expect({ status: opened.status, code: opened.body.code }).toEqual({ status: 201, code: undefined });
  return { caseId: opened.body.caseId, subjectId };
}

/** Fields with text, a number, a list and a yes/no nobody else writes (so their absence in raw storage means something). */
function someFields() {
  const t = tag();
  return { toelichting: `Moeder vertelt dat haar zoon buiten slaapt ${t}`, aantalKinderen: 700_000 + Math.floor(Math.random() * 99_999), betrokkenen: [`Oom Kees ${t}`, `Tante Ria ${t}`], spoed: true };
}
const texts = (fields: ReturnType<typeof someFields>) => [fields.toelichting, String(fields.aantalKinderen), ...fields.betrokkenen];

const transition = (caseId: string, body: Record<string, unknown>) => h.request('POST', `/v1/cases/${caseId}/transitions`, { token: a.coordinator, body });
const erase = async (subjectId: string) => expect((await h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: a.admin, body: { reason: 'Verzoek betrokkene AVG art. 17, kenmerk E-7' } })).status).toBe(200);

async function storedTransitions(caseId: string): Promise<Record<string, unknown>[]> {
  const rows = await h.query<{ payload: Record<string, unknown> }>("SELECT payload FROM events WHERE stream_id = $1 AND type = 'CaseTransitioned' ORDER BY stream_version", [`case-${caseId}`]);
  return rows.map((r) => r.payload);
}
async function rawCase(caseId: string): Promise<string> {
  const rows = await h.query<{ row: string }>('SELECT t::text AS row FROM events t WHERE stream_id = $1 UNION ALL SELECT v::text FROM case_view v WHERE case_id = $2', [`case-${caseId}`, caseId]);
  return rows.map((r) => r.row).join('\n');
}
async function kafkaCase(caseId: string, events: number): Promise<string> {
  await waitFor(() => watcher.messages.filter((m) => m.key === `case-${caseId}`).length >= events, { what: `${events} events of the case on Kafka` });
  return watcher.messages.filter((m) => m.key === `case-${caseId}`).map((m) => m.value.toString('utf8')).join('\n');
}
/** The payloads of the case's transitions in its history, and whether the history says personal data was erased. */
async function historyOf(caseId: string): Promise<{ moves: Record<string, unknown>[]; erased: boolean }> {
  const res = await h.request('GET', `/v1/cases/${caseId}/history`, { token: a.coordinator });
  expect(res.status).toBe(200);
  const moves = res.body.items.filter((i: { type: string }) => i.type === 'CaseTransitioned').map((i: { payload: Record<string, unknown> }) => i.payload);
  return { moves, erased: res.body.personalDataErased };
}
/** The inputs of the case's transitions in the auditor's decision trail. */
async function trailOf(caseId: string): Promise<{ inputs: Record<string, unknown>[]; erased: boolean }> {
  const res = await h.request('GET', `/v1/audit/cases/${caseId}`, { token: auditor });
  expect(res.status).toBe(200);
  const inputs = res.body.decisionTrail.filter((e: { type: string }) => e.type === 'CaseTransitioned').map((e: { inputs: Record<string, unknown> }) => e.inputs);
  return { inputs, erased: res.body.personalDataErased };
}

describe("a transition's fields", () => {
  it('are sealed in the event store, the case view and on Kafka; the history and the decision trail show them as given', async () => {
    const { caseId } = await caseAboutAPerson();
    const fields = someFields();
    const talked = await transition(caseId, { transition: 'gesprek-voeren', fields });
    expect({ status: talked.status, code: talked.body.code, state: talked.body.currentState }).toEqual({ status: 200, code: undefined, state: 'gesprek' });

    const raw = await rawCase(caseId);
    const kafka = await kafkaCase(caseId, 2);
    for (const text of texts(fields)) {
      expect(raw).not.toContain(text);
      expect(kafka).not.toContain(text);
    }
    const [stored] = await storedTransitions(caseId);
    expect(Object.keys(stored!.fields as object).sort()).toEqual(['aantalKinderen', 'betrokkenen', 'spoed', 'toelichting']);
    // Not even the yes/no is left in the clear: every value is a sealed value (a number, yes/no or list as its JSON).
    expect(stored!.fields).toEqual({
      toelichting: expect.stringMatching(/^pd1\./),
      aantalKinderen: { sealedJson: expect.stringMatching(/^pd1\./) },
      betrokkenen: { sealedJson: expect.stringMatching(/^pd1\./) },
      spoed: { sealedJson: expect.stringMatching(/^pd1\./) },
    });

    expect(await historyOf(caseId)).toEqual({ moves: [expect.objectContaining({ transition: 'gesprek-voeren', fields })], erased: false });
    expect(await trailOf(caseId)).toEqual({ inputs: [expect.objectContaining({ fields })], erased: false });
  });

  it('are read as given by a guard: the one on toestemming refuses false and lets true through', async () => {
    const { caseId } = await caseAboutAPerson();
    expect((await transition(caseId, { transition: 'gesprek-voeren', fields: someFields() })).status).toBe(200);
    const before = await h.countEvents();
    const refused = await transition(caseId, { transition: 'afsluiten-met-toestemming', fields: { toestemming: false } });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 422, code: 'CASE.TRANSITION_NOT_ALLOWED' });
    expect(await h.countEvents()).toBe(before);
    const toelichting = `Zij stemt in met hulp ${tag()}`;
    const closed = await transition(caseId, { transition: 'afsluiten-met-toestemming', fields: { toestemming: true, toelichting } });
    expect({ status: closed.status, code: closed.body.code, status_: closed.body.status }).toEqual({ status: 200, code: undefined, status_: 'closed' });
    expect((await storedTransitions(caseId))[1]!.fields).toEqual({ toestemming: { sealedJson: expect.stringMatching(/^pd1\./) }, toelichting: expect.stringMatching(/^pd1\./) });
    expect(await rawCase(caseId)).not.toContain(toelichting);
    expect((await historyOf(caseId)).moves[1]).toMatchObject({ fields: { toestemming: true, toelichting } });
  });

  it("read as withheld once the subject is erased, and are not stored at all when given after (the guard still reads them)", async () => {
    const { caseId, subjectId } = await caseAboutAPerson();
    const before = someFields();
    expect((await transition(caseId, { transition: 'gesprek-voeren', fields: before })).status).toBe(200);
    await erase(subjectId);
    const gone = { toelichting: null, aantalKinderen: null, betrokkenen: null, spoed: null };
    expect(await historyOf(caseId)).toEqual({ moves: [expect.objectContaining({ fields: gone })], erased: true });
    expect(await trailOf(caseId)).toEqual({ inputs: [expect.objectContaining({ fields: gone })], erased: true });

    // After the erasure: a field is still required where the model requires it, but not stored, and not sealed either.
    const back = `Terug naar de melding, zoon weer thuis ${tag()}`;
    const after = someFields();
    const closing = `Zij stemt in ${tag()}`;
    expect((await transition(caseId, { transition: 'terug-naar-melding', fields: { toelichting: back } })).status).toBe(200);
    const missing = await transition(caseId, { transition: 'gesprek-voeren', fields: { aantalKinderen: 2 } });
    expect({ status: missing.status, code: missing.body.code }).toEqual({ status: 400, code: 'CASE.FIELD_REQUIRED' });
    expect((await transition(caseId, { transition: 'gesprek-voeren', fields: after })).status).toBe(200);
    const refused = await transition(caseId, { transition: 'afsluiten-met-toestemming', fields: { toestemming: false, toelichting: closing } });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 422, code: 'CASE.TRANSITION_NOT_ALLOWED' });
    const closed = await transition(caseId, { transition: 'afsluiten-met-toestemming', fields: { toestemming: true, toelichting: closing } });
    expect({ status: closed.status, code: closed.body.code, status_: closed.body.status }).toEqual({ status: 200, code: undefined, status_: 'closed' });

    const withheld = [
      { transition: 'terug-naar-melding', fields: { toelichting: null }, fieldsWithheld: 'erased' },
      { transition: 'gesprek-voeren', fields: gone, fieldsWithheld: 'erased' },
      { transition: 'afsluiten-met-toestemming', fields: { toestemming: null, toelichting: null }, fieldsWithheld: 'erased' },
    ];
    const stored = await storedTransitions(caseId);
    expect(stored.slice(1)).toEqual(withheld.map((w) => expect.objectContaining(w)));
    expect(JSON.stringify(stored.slice(1).map((s) => s.fields))).not.toContain('pd1.');
    const raw = await rawCase(caseId);
    const kafka = await kafkaCase(caseId, 6);
    for (const text of [...texts(before), ...texts(after), back, closing]) {
      expect(raw).not.toContain(text);
      expect(kafka).not.toContain(text);
    }
    expect((await historyOf(caseId)).moves.slice(1)).toEqual(withheld.map((w) => expect.objectContaining(w)));
    expect((await trailOf(caseId)).inputs.slice(1)).toEqual(withheld.map(({ transition: _t, ...w }) => expect.objectContaining(w)));
  });

  it('stored in the clear before they were sealed still read, in the history and the decision trail', async () => {
    const { caseId } = await caseAboutAPerson();
    const fields = someFields();
    const store = h.running.app.get<EventStore>(EVENT_STORE, { strict: false });
    const payload = {
      caseId, modelId, modelVersion: 1, transition: 'gesprek-voeren', from: 'melding', to: 'gesprek', actor: { id: 'coordinator-oud', role: 'coordinator' },
      reason: null, reasonCategory: null, fields, responsibilities: {}, at: new Date().toISOString(),
    };
    await store.append(`case-${caseId}`, 1, [
      {
        id: randomUUID(), type: 'CaseTransitioned', version: 1, occurredAt: payload.at, municipality: a.home, actor: { id: 'coordinator-oud', role: 'coordinator' },
        correlationId: randomUUID(), traceparent: null, processingActivity: 'casusregie', legalBasis: 'AVG art. 6(1)(e) publieke taak', specialCategory: true, payload,
      },
    ], { topic: TOPICS.cases });
    expect(await historyOf(caseId)).toEqual({ moves: [expect.objectContaining({ fields })], erased: false });
    expect(await trailOf(caseId)).toEqual({ inputs: [expect.objectContaining({ fields })], erased: false });
  });

  it("taken by a table member through their table's accepted referral are sealed alike", async () => {
    // The RIEC serves Twente: Almelo publishes its own version of ondermijning-intake, in which the RIEC hands a case
    // back with a toelichting.
    const almelo = 'GM0141';
    const admin = await h.token('admin', [almelo], { subject: 'admin-almelo' });
    const coordinator = await h.token('coordinator', [almelo], { subject: 'coordinator-almelo' });
    const intake = await h.token('intake-system', [almelo], { subject: 'connector-almelo' });
    const riecMember = await h.token('table-member', [almelo], { subject: 'riec-member-almelo', tables: ['riec'] });
    const models = await h.request('GET', '/v1/models', { token: admin });
    const current = models.body.items.find((m: { id: string }) => m.id === 'ondermijning-intake');
    const definition = structuredClone(current.latest);
    definition.version = Math.max(...current.versions.map((v: { version: number }) => v.version)) + 1;
    definition.municipalities = [almelo];
    const handBack = definition.transitions.find((t: { name: string }) => t.name === 'retour-van-riec');
    handBack.optionalFields = ['toelichting'];
    expect((await h.request('POST', '/v1/models', { token: admin, body: definition })).status).toBe(201);

    const tip = await h.request('POST', '/v1/signals/mma', { token: intake, body: mmaPayload(almelo) });
    expect(tip.status).toBe(201);
    const { caseId, referralId } = await caseReferredToRiec(h, coordinator, tip.body.signalId, 'Ondermijning');
    await waitFor(async () => (await h.request('GET', `/v1/tables/riec/referrals/${referralId}`, { token: riecMember })).status === 200 || undefined, { what: 'the referral in the RIEC register' });
    expect((await h.request('POST', `/v1/tables/riec/referrals/${referralId}/accept`, { token: riecMember })).status).toBe(200);
    const casePath = `/v1/tables/riec/referrals/${referralId}/case`;
    await waitFor(async () => (await h.request('GET', casePath, { token: riecMember })).body?.mayAct === true || undefined, { what: 'the router to apply the acceptance', timeoutMs: 30_000 });

    const toelichting = `Het pand aan de Marktstraat is van een familielid ${tag()}`;
    const taken = await h.request('POST', `${casePath}/transitions`, { token: riecMember, body: { transition: 'retour-van-riec', reason: 'Binnen de eigen mogelijkheden', fields: { toelichting } } });
    expect({ status: taken.status, code: taken.body.code }).toEqual({ status: 200, code: undefined });
    const handedBack = (await storedTransitions(caseId)).at(-1)!;
    expect(handedBack).toMatchObject({ transition: 'retour-van-riec', referralId, table: 'riec', fields: { toelichting: expect.stringMatching(/^pd1\./) } });
    expect(await rawCase(caseId)).not.toContain(toelichting);
    const history = await h.request('GET', `/v1/cases/${caseId}/history`, { token: coordinator });
    expect(history.body.items.at(-1)).toMatchObject({ type: 'CaseTransitioned', payload: { transition: 'retour-van-riec', fields: { toelichting } } });
  });
});
