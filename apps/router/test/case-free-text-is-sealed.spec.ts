import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS } from '#contracts';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import type { TopicWatcher } from '../../../test/support/kafka-probe.js';
import { openedCase, PRODUCT_APPS, sendSignal, tag, takeTransition, testMunicipality } from './support/router-fixtures.js';

/**
 * Free text written into a case (notes, plan, reasons) is sealed under the case's own data key: the events,
 * the case view and the cases topic never hold it in the clear; the case API opens it for the coordinator.
 */

let h: AppHarness;
let watcher: TopicWatcher;
let coordinator: string;
const municipality = testMunicipality();

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  watcher = await h.watch([TOPICS.cases]);
  coordinator = await h.token('coordinator', [municipality]);
});
afterAll(async () => {
  await watcher?.stop();
  await h?.stop();
});

async function rawCase(caseId: string): Promise<string> {
  const rows = await h.query<{ row: string }>(`SELECT t::text AS row FROM events t WHERE stream_id = $1 UNION ALL SELECT v::text FROM case_view v WHERE case_id = $2`, [`case-${caseId}`, caseId]);
  return rows.map((r) => r.row).join('\n');
}

describe('case free text', () => {
  it('is sealed in the events, the case view and on Kafka, and opened by the case API', async () => {
    const signalId = await sendSignal(h, coordinator, 'zorgmelding', municipality);
    const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] });
    const caseId: string = opened.body.caseId;
    const note = `Moeder belde, zoon slaapt buiten ${tag()}`;
    const reason = `Geen hulp geaccepteerd ${tag()}`;
    expect((await h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: { text: note, visibility: 'intern' } })).status).toBe(200);
    const up = await takeTransition(h, coordinator, caseId, { transition: 'opschalen-ave-2', reasonCategory: 'stagnatie', reason });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ notes: [{ text: note }], personalDataErased: false });

    const raw = await rawCase(caseId);
    expect(raw).toContain(caseId);
    expect(raw).not.toContain(note);
    expect(raw).not.toContain(reason);
    await waitFor(() => watcher.messages.filter((m) => m.key === `case-${caseId}`).length >= 3, { what: 'the case events on Kafka' });
    const kafka = watcher.messages.filter((m) => m.key === `case-${caseId}`).map((m) => m.value.toString('utf8')).join('\n');
    expect(kafka).not.toContain(note);
    expect(kafka).not.toContain(reason);

    const history = await h.request('GET', `/v1/cases/${caseId}/history`, { token: coordinator });
    expect(history.text).toContain(reason);
  });

  it('of a case opened before field encryption (no key yet) gets a key with its first text', async () => {
    const signalId = await sendSignal(h, coordinator, 'mma', municipality);
    const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] });
    const caseId: string = opened.body.caseId;
    await h.query('DELETE FROM data_keys WHERE owner = $1', [`case:${caseId}`]);
    const note = `Notitie bij een oude zaak ${tag()}`;
    const res = await h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: { text: note, visibility: 'intern' } });
    expect(res.status).toBe(200);
    expect(res.body.notes).toEqual([expect.objectContaining({ text: note })]);
    expect(await h.query('SELECT 1 FROM data_keys WHERE owner = $1 AND wrapped_key IS NOT NULL', [`case:${caseId}`])).toHaveLength(1);
    expect(await rawCase(caseId)).not.toContain(note);
  });

  it("never opens another case's ciphertext pasted as text: it is sealed again under this case's key and shown as typed", async () => {
    const other = await openedCase(h, coordinator, { model: 'ave', signalIds: [await sendSignal(h, coordinator, 'zorgmelding', municipality)] });
    const secret = `Vertrouwelijk over een ander ${tag()}`;
    expect((await h.request('POST', `/v1/cases/${other.body.caseId}/notes`, { token: coordinator, body: { text: secret, visibility: 'intern' } })).status).toBe(200);
    const [stored] = await h.query<{ text: string }>("SELECT payload->>'text' AS text FROM events WHERE stream_id = $1 AND type = 'CaseNoteAdded'", [`case-${other.body.caseId}`]);
    const ciphertext = stored!.text;
    expect(ciphertext).toMatch(/^pd1\./);

    const mine = await openedCase(h, coordinator, { model: 'ave', signalIds: [await sendSignal(h, coordinator, 'zorgmelding', municipality)] });
    const caseId: string = mine.body.caseId;
    const res = await h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: { text: ciphertext, visibility: 'intern' } });
    expect(res.status).toBe(200);
    expect(res.body.notes).toEqual([expect.objectContaining({ text: ciphertext })]);
    const history = await h.request('GET', `/v1/cases/${caseId}/history`, { token: coordinator });
    expect(history.status).toBe(200);
    expect(history.text).not.toContain(secret);

    // Stored under this case's own key: it goes with this case's erasure, not with the other's.
    const [key] = await h.query<{ key_id: string }>('SELECT key_id FROM data_keys WHERE owner = $1', [`case:${caseId}`]);
    const [note] = await h.query<{ text: string }>("SELECT payload->>'text' AS text FROM events WHERE stream_id = $1 AND type = 'CaseNoteAdded'", [`case-${caseId}`]);
    expect(note!.text).not.toBe(ciphertext);
    expect(note!.text.startsWith(`pd1.${key!.key_id}.`)).toBe(true);
  });
});
