import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AVE_MODEL } from '#domain';
import type { LedgerBundle } from '#eventstore';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { readToTheEnd } from '../../../test/support/audit-list-pages.js';
import { INTAKE_APP, mmaPayload, testMunicipality } from '../../intake/test/support/intake-fixtures.js';
import { COORDINATOR, ScriptedCase } from '../../tables/test/support/tables-fixtures.js';
import { AUDIT_APP } from '../src/audit.app.js';

/**
 * "The auditor's own queries and exports are logged too": `GET /v1/audit/streams/{streamId}/bundle` reads every
 * payload of a stream, so `GET /v1/audit/processing-log?subject=<id>` must list it by the id an auditor searches
 * for. The export takes the id in a stream name in either case (`signal-<ID in capitals>` is `signal-<id>`); its
 * log line was keyed on the text as typed, a pseudonym no search by the signal id found. And a case stream's
 * export reads what the case bundle reads of the case: it is logged under the case and the person the case is
 * about, as `GET /v1/audit/cases/{id}/bundle` is; before, only under the case id as a stream, never the person.
 * Real PostgreSQL, the intake and audit apps.
 */

let h: AppHarness;
const home = testMunicipality();
let auditor: string;
let signalId: string;

beforeAll(async () => {
  h = await startApp({ apps: [INTAKE_APP, AUDIT_APP] });
  auditor = await h.token('auditor', undefined, { subject: 'auditor-ada' });
  const intakeSystem = await h.token('intake-system', [home], { subject: 'connector-meldpunt' });
  const received = await h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: mmaPayload(home) });
  expect(received.status).toBe(201);
  signalId = received.body.signalId;
});

afterAll(async () => {
  await h?.stop();
});

type Line = { operation: string; processingActivity: string; dataSubjectType: string; actorId: string; statusCode: number };

/** The stream-export lines the processing log answers for `subject`, all pages (also those held back a moment). */
async function exportsLoggedUnder(subject: string): Promise<Line[]> {
  const lines = (await readToTheEnd<Line>(h, `/v1/audit/processing-log?subject=${subject}&limit=200`, auditor)).items;
  return lines.filter((l) => l.operation === 'GET /v1/audit/streams/:streamId/bundle');
}

const exported = { processingActivity: 'audit-export', actorId: 'auditor-ada', statusCode: 200 };

describe('GET /v1/audit/streams/{streamId}/bundle in the processing log', () => {
  it('logs the export of a signal stream named with the id in capitals under the signal id, found in either case', async () => {
    const before = (await exportsLoggedUnder(signalId)).length;
    const res = await h.request('GET', `/v1/audit/streams/signal-${signalId.toUpperCase()}/bundle`, { token: auditor });
    expect(res.status).toBe(200);
    expect((res.body as LedgerBundle).events.map((e) => e.streamId)).toEqual([`signal-${signalId}`]);
    const lines = await exportsLoggedUnder(signalId);
    expect(lines).toHaveLength(before + 1);
    expect(lines.at(-1)).toMatchObject(exported);
    expect(await exportsLoggedUnder(signalId.toUpperCase())).toEqual(lines);
  });

  it('logs the export of a case stream under the case and the person it is about, as the case bundle is', async () => {
    const personId = randomUUID();
    const c = new ScriptedCase(h, home);
    await c.run({ type: 'OpenCase', caseId: c.caseId, municipality: home, model: AVE_MODEL, signalIds: [signalId], subjectId: personId, actor: COORDINATOR });

    const res = await h.request('GET', `/v1/audit/streams/case-${c.caseId}/bundle`, { token: auditor });
    expect(res.status).toBe(200);
    expect((res.body as LedgerBundle).events[0]).toMatchObject({ streamId: `case-${c.caseId}`, type: 'CaseOpened' });
    expect(await exportsLoggedUnder(c.caseId)).toEqual([expect.objectContaining({ ...exported, dataSubjectType: 'case' })]);
    expect(await exportsLoggedUnder(personId)).toEqual([expect.objectContaining({ ...exported, dataSubjectType: 'subject' })]);

    const caseBundle = await h.request('GET', `/v1/audit/cases/${c.caseId}/bundle`, { token: auditor });
    expect(caseBundle.status).toBe(200);
    const caseBundleLines = async (subject: string) =>
      (await readToTheEnd<Line>(h, `/v1/audit/processing-log?subject=${subject}&limit=200`, auditor)).items
        .filter((l: { operation: string }) => l.operation === 'GET /v1/audit/cases/:id/bundle')
        .map((l: Line) => l.dataSubjectType);
    expect({ case: await caseBundleLines(c.caseId), person: await caseBundleLines(personId) }).toEqual({ case: ['case'], person: ['subject'] });
  });

  it('logs a failed export of a case stream under the case', async () => {
    const caseId = randomUUID();
    const res = await h.request('GET', `/v1/audit/streams/case-${caseId.toUpperCase()}/bundle`, { token: auditor });
    expect(res.status).toBe(404);
    expect(await exportsLoggedUnder(caseId)).toEqual([expect.objectContaining({ processingActivity: 'audit-export', dataSubjectType: 'case', statusCode: 404 })]);
  });
});
