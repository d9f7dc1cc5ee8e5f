import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AVE_MODEL } from '#domain';
import { AUDIT_APP } from '../../apps/audit/src/audit.app.js';
import { openedCase, PRODUCT_APPS, sendSignal, walk } from '../../apps/router/test/support/router-fixtures.js';
import { TABLES_APP } from '../../apps/tables/test/support/tables-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';
import { readToTheEnd } from '../support/audit-list-pages.js';

/**
 * Issue #5: an auditor asks "who read this person's data?" with `GET /v1/audit/processing-log?subject=<subjectId>`.
 * The answer must hold more than the reads of the subject registry: every read and change of a signal linked to the
 * person and of a case about them (the case's registered subject) is logged under the person as well, and a table
 * member's or police liaison's read of a referral or escalation is logged under its case (their answers never name
 * the case). Before, each line named only the object read, so the person's query missed all of it.
 */

let h: AppHarness;
const ENSCHEDE = 'GM0153';
let coordinator: string;
let intake: string;
let zvhMember: string;
let auditor: string;

beforeAll(async () => {
  h = await startApp({ apps: [...PRODUCT_APPS, TABLES_APP, AUDIT_APP] });
  coordinator = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-anna' });
  intake = await h.token('intake-system', [ENSCHEDE], { subject: 'connector-meldpunt' });
  zvhMember = await h.token('table-member', [ENSCHEDE], { subject: 'zvh-petra', tables: ['zvh-casusoverleg'] });
  auditor = await h.token('auditor', undefined, { subject: 'auditor-ada' });
});

afterAll(async () => {
  await h?.stop();
});

/** Every line the processing log answers for `subject`, all pages (also those held back a moment). */
async function linesAbout(subject: string): Promise<{ operation: string; actorId: string; dataSubjectType: string; outcome: string }[]> {
  return (await readToTheEnd(h, `/v1/audit/processing-log?subject=${subject}&limit=200`, auditor)).items;
}

const seen = (lines: { operation: string; actorId: string; dataSubjectType: string }[]) => lines.map((l) => `${l.actorId} ${l.operation} (${l.dataSubjectType})`);

describe("who read a person's data", () => {
  it('finds, by the person, the reads and changes of their signal and of the case about them; by the case, the table member who read its referral', async () => {
    const person = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: ENSCHEDE, name: 'M. Jansen', birthDate: '1975-03-02' } });
    expect(person.status).toBe(201);
    const subjectId: string = person.body.subjectId;

    const signalId = await sendSignal(h, intake, 'zorgmelding', ENSCHEDE);
    // The router knows the signal once its consumer has it (a 404 before that).
    await waitFor(async () => (await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId } })).status === 200, { what: 'the signal linked' });
    // The triage queue (intake) learns of the link from the router's event; its read then names the person too.
    await waitFor(async () => (await h.request('GET', `/v1/signals/${signalId}`, { token: coordinator })).body.subjectId === subjectId, { what: 'the link in the triage queue' });

    const opened = await openedCase(h, coordinator, { model: AVE_MODEL.id, signalIds: [signalId] });
    const caseId: string = opened.body.caseId;
    expect(opened.body.subjectId).toBe(subjectId);
    const atAve3 = await walk(h, coordinator, caseId, opened.headers.get('etag')!, [
      { transition: 'opschalen-ave-2', reasonCategory: 'complexiteit', reason: 'Meerdere leefgebieden' },
      { transition: 'opschalen-ave-3', reasonCategory: 'complexiteit', reason: 'Meerdere ketens nodig' },
    ]);
    expect((await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator })).status).toBe(200);
    expect((await h.request('GET', `/v1/cases/${caseId}/history`, { token: coordinator })).body.subjectId).toBe(subjectId);
    const referred = await h.request('POST', `/v1/cases/${caseId}/referrals`, { token: coordinator, body: { table: 'zvh-casusoverleg', reason: 'Complexe casus' }, headers: { 'if-match': atAve3.headers.get('etag')! } });
    expect(referred.status).toBe(200);
    const referralId: string = referred.body.referrals.at(-1).referralId;
    await waitFor(async () => (await h.request('GET', `/v1/tables/zvh-casusoverleg/referrals/${referralId}`, { token: zvhMember })).status === 200, { what: 'the referral at the ZVH' });
    expect((await h.request('GET', `/v1/audit/cases/${caseId}`, { token: auditor })).body.state.subjectId).toBe(subjectId);
    expect((await h.request('GET', `/v1/audit/cases/${caseId}/bundle`, { token: auditor })).status).toBe(200);

    const byPerson = seen(await linesAbout(subjectId));
    expect(byPerson).toEqual(
      expect.arrayContaining([
        'coordinator-anna POST /v1/subjects (subject)',
        'coordinator-anna POST /v1/signals/:id/subject (subject)',
        'coordinator-anna GET /v1/signals/:id (subject)',
        'coordinator-anna POST /v1/cases (subject)',
        'coordinator-anna POST /v1/cases/:id/transitions (subject)',
        'coordinator-anna GET /v1/cases/:id (subject)',
        'coordinator-anna GET /v1/cases/:id/history (subject)',
        'coordinator-anna POST /v1/cases/:id/referrals (subject)',
        'auditor-ada GET /v1/audit/cases/:id (subject)',
        'auditor-ada GET /v1/audit/cases/:id/bundle (subject)',
      ]),
    );

    // What was shared about the case: the table member's reads are logged under the case (never in their answer).
    const byCase = seen(await linesAbout(caseId));
    expect(byCase).toEqual(expect.arrayContaining(['zvh-petra GET /v1/tables/:table/referrals/:id (case)', 'coordinator-anna GET /v1/cases/:id (case)']));
    expect(JSON.stringify((await h.request('GET', `/v1/tables/zvh-casusoverleg/referrals/${referralId}`, { token: zvhMember })).body)).not.toContain(caseId);
  });

  it('a case without a registered subject logs the case only, and a person with no reads has no lines', async () => {
    const signalId = await sendSignal(h, intake, 'zorgmelding', ENSCHEDE);
    const opened = await openedCase(h, coordinator, { model: AVE_MODEL.id, signalIds: [signalId] });
    expect(opened.body.subjectId).toBeNull();
    const caseId: string = opened.body.caseId;
    expect((await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator })).status).toBe(200);
    const lines = await h.query<{ data_subject_type: string }>(`SELECT data_subject_type FROM processing_log WHERE route = '/v1/cases/:id' AND started_at > now() - interval '1 minute' AND actor_id = 'coordinator-anna' ORDER BY id DESC LIMIT 1`);
    expect(lines).toEqual([{ data_subject_type: 'case' }]);
    const stranger = await h.request('POST', '/v1/subjects', { token: coordinator, body: { kind: 'person', municipality: ENSCHEDE, name: 'P. de Boer', birthDate: '1990-01-01' } });
    expect(seen(await linesAbout(stranger.body.subjectId))).toEqual(['coordinator-anna POST /v1/subjects (subject)']);
  });
});
