import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { caseEventTypes, expectRefused, openedCase, PRODUCT_APPS, sendSignal, twoMunicipalities } from './support/router-fixtures.js';

/**
 * An administrator reads across municipalities for accountability and operations, but moving a case to another
 * model version changes the case: it is done for the municipality whose case it is. Before, an administrator of
 * any municipality could migrate every case, and by asking for the version a case already has, read it (its
 * subject, signals, deadlines and holders). Real PostgreSQL and Kafka.
 */

let h: AppHarness;
const [home, elsewhere] = twoMunicipalities();
let coordinator: string;
let adminHere: string;
let adminElsewhere: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-scope' });
  adminHere = await h.token('admin', [home], { subject: 'admin-here' });
  adminElsewhere = await h.token('admin', [elsewhere], { subject: 'admin-elsewhere' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe("a case's model-version migration", () => {
  it("by an administrator of another municipality answers as for a case that does not exist, changing and showing nothing; the case's own administrator migrates it", async () => {
    const signalId = await sendSignal(h, coordinator, 'zorgmelding', home);
    const opened = await openedCase(h, coordinator, { model: 'wvggz-verkennend-onderzoek', modelVersion: 1, signalIds: [signalId] });
    const caseId = opened.body.caseId as string;
    const before = await caseEventTypes(h, caseId);
    const migrate = (token: string, toVersion: number) => () =>
      h.request('POST', `/v1/cases/${caseId}/model-version`, { token, body: { toVersion, stateMapping: {}, reason: 'Nieuwe wettelijke termijn' } });

    for (const toVersion of [2, 1]) {
      const res = await expectRefused(h, migrate(adminElsewhere, toVersion), 404, 'CASE.NOT_FOUND');
      expect(JSON.stringify(res.body)).not.toContain(signalId);
    }
    expect(await caseEventTypes(h, caseId)).toEqual(before);

    const moved = await migrate(adminHere, 2)();
    expect({ status: moved.status, version: moved.body.model?.version }).toEqual({ status: 200, version: 2 });
  });
});
