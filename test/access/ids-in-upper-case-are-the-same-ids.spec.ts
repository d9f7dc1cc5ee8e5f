import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';
import { openedCase, PRODUCT_APPS, sendSignal, testMunicipality } from '../../apps/router/test/support/router-fixtures.js';

/**
 * A uuid may be written in either case (RFC 9562), and the validators and PostgreSQL's uuid type take both. Ids
 * are also text in places (stream ids, key owners, JSON payloads, the processing log's pseudonyms), so the product
 * takes every id in its canonical lower-case form at the edge. Before, a case read by its id in upper case was
 * found, but commands on it went to another stream and answered 409 for ever, and a read was logged under a
 * pseudonym an auditor searching by the id did not find.
 */

let h: AppHarness;
const municipality = testMunicipality();
let coordinator: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  coordinator = await h.token('coordinator', [municipality], { subject: 'coordinator-hoofdletters' });
});
afterAll(async () => h?.stop());

describe('ids in upper case', () => {
  it('open a case, move it and read its history as the same case', async () => {
    const signalId = await sendSignal(h, coordinator, 'zorgmelding', municipality);
    const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId.toUpperCase()] });
    const caseId = opened.body.caseId as string;
    expect(opened.body.signalIds ?? [signalId]).toEqual([signalId]);

    const read = await h.request('GET', `/v1/cases/${caseId.toUpperCase()}`, { token: coordinator });
    expect(read.status).toBe(200);
    const moved = await h.request('POST', `/v1/cases/${caseId.toUpperCase()}/transitions`, {
      token: coordinator,
      body: { transition: 'opschalen-ave-2', reasonCategory: 'stagnatie', reason: 'Geen voortgang' },
      headers: { 'if-match': read.headers.get('etag')! },
    });
    expect({ status: moved.status, code: moved.body.code }).toEqual({ status: 200, code: undefined });
    const history = await h.request('GET', `/v1/cases/${caseId.toUpperCase()}/history`, { token: coordinator });
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).toContain('opschalen-ave-2');
    const streams = await h.query<{ stream_id: string }>("SELECT DISTINCT stream_id FROM events WHERE stream_id ILIKE $1", [`case-${caseId}`]);
    expect(streams.map((s) => s.stream_id)).toEqual([`case-${caseId}`]);
  });

  it('log a read of a signal under the same pseudonym as a read by the lower-case id', async () => {
    const signalId = await sendSignal(h, coordinator, 'mma', municipality);
    // The triage queue is a projection: wait until it shows the signal.
    await waitFor(async () => (await h.request('GET', `/v1/signals/${signalId}`, { token: coordinator })).status === 200, { what: 'the signal in the triage queue' });
    expect((await h.request('GET', `/v1/signals/${signalId.toUpperCase()}`, { token: coordinator })).status).toBe(200);
    const refs = await h.query<{ data_subject_ref: string }>(
      "SELECT data_subject_ref FROM processing_log WHERE actor_id = 'coordinator-hoofdletters' AND route = '/v1/signals/:id' ORDER BY processing_log.id DESC LIMIT 2",
    );
    expect(refs).toHaveLength(2);
    expect(refs[0]!.data_subject_ref).toBe(refs[1]!.data_subject_ref);
  });
});
