import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import type { CaseCommandService } from '../src/cases/case-command.service.js';
import type { CaseCommitBatcher } from '../src/cases/case-commit.batcher.js';
import { anotherCaseCommandService } from './support/another-case-command-service.js';
import { openedCase, PRODUCT_APPS, sendSignal, testMunicipality } from './support/router-fixtures.js';

/**
 * A change sent without `If-Match` is for the case as it is. When another writer commits between its read and its
 * append (here: a colleague's note, on the real product, at exactly that moment), it is decided again on the case as
 * it is then, instead of a 409 the caller did not ask for; it was a 409 (a note under load, while a timer or a
 * consumer wrote to the case). With `If-Match` the same race is still the 409 the caller asked for.
 * Real PostgreSQL and Kafka.
 */
let h: AppHarness;
const municipality = testMunicipality();
let coordinator: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  coordinator = await h.token('coordinator', [municipality]);
});
afterAll(async () => h?.stop());

/** A case command service whose first append waits until a colleague's note went through the product's API first. */
function racedByAColleague(caseId: string): { service: CaseCommandService; raced: () => number } {
  let races = 0;
  const service = anotherCaseCommandService(h.running.app, (batcher) =>
    Object.assign(Object.create(batcher) as CaseCommitBatcher, {
      commit: async (item: Parameters<CaseCommitBatcher['commit']>[0]) => {
        if (races === 0) {
          races++;
          const note = await h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: { text: 'Collega belde net', visibility: 'intern' } });
          expect(note.status).toBe(200);
        }
        return batcher.commit(item);
      },
    }),
  );
  return { service, raced: () => races };
}

const principal = () => ({ subject: 'coordinator-racing', role: 'coordinator' as const, municipalities: [municipality], tables: [] });
const up = { type: 'TakeTransition' as const, transition: 'opschalen-ave-2', reasonCategory: 'stagnatie', reason: 'Hulp komt niet op gang', actor: { id: 'x', role: 'coordinator' as const } };
const typesOf = async (caseId: string) =>
  (await h.query<{ type: string }>('SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version', [`case-${caseId}`])).map((e) => e.type);

it('without an expected version, a command another writer beat to the append is decided again on the case as it is then', async () => {
  const caseId = (await openedCase(h, coordinator, { model: 'ave', signalIds: [await sendSignal(h, coordinator, 'zorgmelding', municipality)] })).body.caseId as string;
  const before = await typesOf(caseId);
  const { service, raced } = racedByAColleague(caseId);

  const result = await service.execute(caseId, up, { principal: principal() });

  expect(raced()).toBe(1);
  expect(result.state).toMatchObject({ currentState: 'ave-2', version: before.length + 2 });
  expect(await typesOf(caseId)).toEqual([...before, 'CaseNoteAdded', ...result.events.map((e) => e.type)]);
});

it('with an expected version, the same race is refused as If-Match asks: 409 with the current version, nothing appended', async () => {
  const caseId = (await openedCase(h, coordinator, { model: 'ave', signalIds: [await sendSignal(h, coordinator, 'zorgmelding', municipality)] })).body.caseId as string;
  const before = await typesOf(caseId);
  const { service } = racedByAColleague(caseId);

  await expect(service.execute(caseId, up, { principal: principal(), expectedVersion: before.length })).rejects.toMatchObject({
    code: 'EVENTSTORE.VERSION_CONFLICT',
    details: { expectedVersion: before.length, currentVersion: before.length + 1 },
  });
  expect(await typesOf(caseId)).toEqual([...before, 'CaseNoteAdded']);
});
