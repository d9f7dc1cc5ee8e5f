import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { anotherCaseCommandService } from './support/another-case-command-service.js';
import { openedCase, PRODUCT_APPS, sendSignal, takeTransition, testMunicipality } from './support/router-fixtures.js';

/**
 * Several router processes may work on one case: a command is always decided on the state as stored, and
 * a stale If-Match is a conflict, whichever process wrote last.
 */
let h: AppHarness;
const municipality = testMunicipality();
let coordinator: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  coordinator = await h.token('coordinator', [municipality]);
});
afterAll(async () => h?.stop());

it('a command after another process moved the case on is decided on the stored state, not on what this process remembers', async () => {
  const signalId = await sendSignal(h, coordinator, 'zorgmelding', municipality);
  const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] });
  const caseId = opened.body.caseId as string;
  const up = { transition: 'opschalen-ave-2', reasonCategory: 'stagnatie', reason: 'Hulp komt niet op gang' };
  expect((await takeTransition(h, coordinator, caseId, up)).body.version).toBe(2);

  // "Another process": its own service instance over the same database.
  const other = anotherCaseCommandService(h.running.app);
  const principal = { subject: 'other-process-user', role: 'coordinator' as const, municipalities: [municipality], tables: [] };
  await other.execute(caseId, { type: 'TakeTransition', transition: 'opschalen-ave-3', reasonCategory: 'complexiteit', reason: 'Meerdere leefgebieden', actor: { id: 'x', role: 'coordinator' } }, { principal });

  // The case is at ave-3, version 3, written by the other process.
  const down = await takeTransition(h, coordinator, caseId, { transition: 'afschalen-ave-2', reason: 'Rust teruggekeerd' });
  expect({ status: down.status, state: down.body.currentState, version: down.body.version }).toEqual({ status: 200, state: 'ave-2', version: 4 });
  const versions = await h.query<{ stream_version: number }>('SELECT stream_version FROM events WHERE stream_id = $1 ORDER BY stream_version', [`case-${caseId}`]);
  expect(versions.map((v) => v.stream_version)).toEqual([1, 2, 3, 4]);

  // And a stale If-Match from this process' point of view is still a conflict.
  const stale = await takeTransition(h, coordinator, caseId, { ...up, transition: 'opschalen-ave-3' }, '"2"');
  expect({ status: stale.status, code: stale.body.code, current: stale.body.currentVersion }).toEqual({ status: 409, code: 'EVENTSTORE.VERSION_CONFLICT', current: 4 });
});
