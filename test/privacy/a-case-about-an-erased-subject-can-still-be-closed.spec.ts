import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS } from '#contracts';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { zorgmeldingPayload } from '../../apps/intake/test/support/intake-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';
import type { TopicWatcher } from '../support/kafka-probe.js';

/**
 * An erasure destroys the data keys of the cases about the subject, open ones too. Such a case still has to be
 * moved on and closed (else it counts as open for good, its terms keep breaching and no retention rule ever applies):
 * a transition's reason is then required as always, but withheld, not stored (no text, nothing sealed under another
 * key); the event says so (`reasonWithheld: 'erased'`). Notes, the plan, regie handovers and referrals stay refused
 * (410 PRIVACY.ERASED): they are text for a case whose personal data is gone, or would share it.
 */

let h: AppHarness;
let watcher: TopicWatcher;
const home = `GM${String(1000 + Math.floor(Math.random() * 8000)).padStart(4, '0')}`;
let coordinator: string;
let auditor: string;

const tag = () => randomUUID().slice(0, 8);
const person = { name: `Ria Gewist ${tag()}`, bsn: '111222333', birthDate: '1968-05-06', address: `Wisweg ${Math.floor(Math.random() * 900) + 1}` };

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  watcher = await h.watch([TOPICS.cases]);
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-ella' });
  auditor = await h.token('auditor', [], { subject: 'auditor-ad' });
}, 120_000);
afterAll(async () => {
  await watcher?.stop();
  await h?.stop();
});

/** A registered person, a zorgmelding about them linked to them, and an open case of `model` about them; then the person is erased. */
async function erasedCase(model: string): Promise<{ caseId: string; subjectId: string }> {
  const intake = await h.token('intake-system', [home], { subject: 'connector' });
  const admin = await h.token('admin', [home], { subject: 'admin-fg' });
  const registered = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: home, ...person } });
  expect(registered.status).toBe(201);
  const subjectId: string = registered.body.subjectId;
  const received = await h.request('POST', '/v1/signals/zorgmelding', { token: intake, body: zorgmeldingPayload(home, undefined, { subject: person }) });
  expect(received.status).toBe(201);
  const signalId: string = received.body.signalId;
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [signalId])).length > 0, { what: 'signal in the router' });
  expect((await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId } })).status).toBe(200);
  await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND subject_id = $2', [signalId, subjectId])).length > 0, { what: 'link in the router' });
  const opened = await h.request('POST', '/v1/cases', { token: coordinator, body: { model, signalIds: [signalId], subjectId } });
  expect(opened.status).toBe(201);
  const caseId: string = opened.body.caseId;
  const erased = await h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: admin, body: { reason: 'Verzoek betrokkene AVG art. 17, kenmerk E-1' } });
  expect(erased.status).toBe(200);
  expect(await h.query('SELECT 1 FROM data_keys WHERE owner = $1 AND wrapped_key IS NULL', [`case:${caseId}`])).toHaveLength(1);
  return { caseId, subjectId };
}

async function rawCase(caseId: string): Promise<string> {
  const rows = await h.query<{ row: string }>(`SELECT t::text AS row FROM events t WHERE stream_id = $1 UNION ALL SELECT v::text FROM case_view v WHERE case_id = $2`, [`case-${caseId}`, caseId]);
  return rows.map((r) => r.row).join('\n');
}

const transition = (caseId: string, body: Record<string, unknown>) => h.request('POST', `/v1/cases/${caseId}/transitions`, { token: coordinator, body });

describe('a case about an erased subject', () => {
  it('can still be closed, and its reason is not stored', async () => {
    const { caseId } = await erasedCase('ave');
    const up = `Escalatie rond Ria ${tag()}`;
    const down = `Ria heeft weer grip ${tag()}`;
    const closing = `Ria verhuisd naar Zwolle ${tag()}`;

    // A reason is still required, as for any case.
    const bare = await transition(caseId, { transition: 'afsluiten' });
    expect({ status: bare.status, code: bare.body.code }).toEqual({ status: 400, code: 'CASE.REASON_REQUIRED' });
    // Any transition of the model, not only a closing one: up, down, and then closed.
    const upped = await transition(caseId, { transition: 'opschalen-ave-2', reasonCategory: 'veiligheid', reason: up });
    expect({ status: upped.status, code: upped.body.code, state: upped.body.currentState }).toEqual({ status: 200, code: undefined, state: 'ave-2' });
    expect((await transition(caseId, { transition: 'afschalen-ave-1', reason: down })).status).toBe(200);
    const closed = await transition(caseId, { transition: 'afsluiten', reason: closing });
    expect({ status: closed.status, code: closed.body.code }).toEqual({ status: 200, code: undefined });
    expect(closed.body).toMatchObject({ caseId, status: 'closed', currentState: 'afgesloten' });
    expect(await h.query('SELECT status, current_state FROM case_view WHERE case_id = $1', [caseId])).toEqual([{ status: 'closed', current_state: 'afgesloten' }]);

    // The event records that a reason was given and withheld: no text, no ciphertext, the category kept.
    const moves = await h.query<{ payload: Record<string, unknown> }>("SELECT payload FROM events WHERE stream_id = $1 AND type = 'CaseTransitioned' ORDER BY stream_version", [`case-${caseId}`]);
    expect(moves.map((m) => m.payload)).toEqual([
      expect.objectContaining({ transition: 'opschalen-ave-2', reason: null, reasonCategory: 'veiligheid', reasonWithheld: 'erased' }),
      expect.objectContaining({ transition: 'afschalen-ave-1', reason: null, reasonCategory: null, reasonWithheld: 'erased' }),
      expect.objectContaining({ transition: 'afsluiten', reason: null, reasonCategory: null, reasonWithheld: 'erased' }),
    ]);
    const raw = await rawCase(caseId);
    for (const text of [up, down, closing]) expect(raw).not.toContain(text);
    await waitFor(() => watcher.messages.some((m) => m.key === `case-${caseId}` && m.value.toString('utf8').includes('CaseClosed')), { what: 'the closing on Kafka' });
    const kafka = watcher.messages.filter((m) => m.key === `case-${caseId}`).map((m) => m.value.toString('utf8')).join('\n');
    for (const text of [up, down, closing]) expect(kafka).not.toContain(text);

    // History and the auditor's decision trail say the reason was withheld.
    const history = await h.request('GET', `/v1/cases/${caseId}/history`, { token: coordinator });
    expect(history.status).toBe(200);
    expect(history.body.items.filter((i: { type: string }) => i.type === 'CaseTransitioned').map((i: { payload: Record<string, unknown> }) => i.payload.reasonWithheld)).toEqual(['erased', 'erased', 'erased']);
    const trail = await h.request('GET', `/v1/audit/cases/${caseId}`, { token: auditor });
    expect(trail.status).toBe(200);
    expect(trail.body.state).toMatchObject({ status: 'closed', currentState: 'afgesloten' });
    expect(trail.body.decisionTrail.filter((e: { type: string }) => e.type === 'CaseTransitioned')).toEqual([
      expect.objectContaining({ transition: 'opschalen-ave-2', reason: null, reasonCategory: 'veiligheid', reasonWithheld: 'erased' }),
      expect.objectContaining({ transition: 'afschalen-ave-1', reason: null, reasonWithheld: 'erased' }),
      expect.objectContaining({ transition: 'afsluiten', reason: null, reasonWithheld: 'erased' }),
    ]);
    // The tables app takes the closing like any other.
    await waitFor(async () => (await h.query("SELECT 1 FROM tables_case_sheets WHERE case_id = $1 AND sheet->>'state' = 'afgesloten'", [caseId])).length > 0, { what: 'the closed case in the tables app' });
  });

  it('closes its running terms when closed', async () => {
    const { caseId } = await erasedCase('wvggz-verkennend-onderzoek');
    expect((await transition(caseId, { transition: 'start-verkennend-onderzoek' })).status).toBe(200);
    expect(await h.query('SELECT 1 FROM case_view WHERE case_id = $1 AND next_deadline_at IS NOT NULL', [caseId])).toHaveLength(1);
    const closed = await transition(caseId, { transition: 'besluit-afsluiten', reason: `Geen zorgen meer over Ria ${tag()}` });
    expect({ status: closed.status, code: closed.body.code, state: closed.body.status }).toEqual({ status: 200, code: undefined, state: 'closed' });
    expect(await h.query('SELECT 1 FROM case_view WHERE case_id = $1 AND next_deadline_at IS NULL', [caseId])).toHaveLength(1);
    const types = (await h.query<{ type: string }>('SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version', [`case-${caseId}`])).map((r) => r.type);
    expect(types.slice(-3)).toEqual(['CaseTransitioned', 'DeadlineClosed', 'CaseClosed']);
  });

  it('takes no other text: notes, the plan, a regie handover and a referral stay refused (410 PRIVACY.ERASED)', async () => {
    const { caseId } = await erasedCase('ave');
    expect((await transition(caseId, { transition: 'opschalen-ave-2', reasonCategory: 'complexiteit', reason: 'Meerdere leefgebieden' })).status).toBe(200);
    expect((await transition(caseId, { transition: 'opschalen-ave-3', reasonCategory: 'complexiteit', reason: 'Meerdere leefgebieden' })).status).toBe(200);
    const before = await h.countEvents();
    const refused = [
      await h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: { text: 'Nog een notitie over haar', visibility: 'intern' } }),
      await h.request('POST', `/v1/cases/${caseId}/plan`, { token: coordinator, body: { measures: [{ type: 'zorg', description: 'Huisbezoek bij Ria', owner: 'wijkteam', dueDate: '2030-01-31' }] } }),
      await h.request('POST', `/v1/cases/${caseId}/regie`, { token: coordinator, body: { responsibility: 'casusregie', holder: 'wijkteam-noord', reason: 'Wijkteam kent haar' } }),
      await h.request('POST', `/v1/cases/${caseId}/referrals`, { token: coordinator, body: { table: 'zvh-casusoverleg', reason: 'Ria heeft hulp op meerdere leefgebieden nodig' } }),
    ];
    expect(refused.map((r) => ({ status: r.status, code: r.body.code }))).toEqual(Array(4).fill({ status: 410, code: 'PRIVACY.ERASED' }));
    expect(await h.countEvents()).toBe(before);
  });
});
