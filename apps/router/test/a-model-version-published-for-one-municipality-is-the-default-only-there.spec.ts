import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type AppHarness } from '../../../test/support/app-harness.js';
import { expectRefused, openCase, openedCase, PRODUCT_APPS, sendSignal, twoMunicipalities } from './support/router-fixtures.js';

/**
 * Over HTTP on real PostgreSQL and Kafka: an administrator publishes AVE version 2 for one municipality only (as
 * Leeuwarden would publish its own protocols on the AVE coat rack). Every other municipality's new cases stay on
 * version 1 by default, may not be opened on version 2 nor moved to it (422 `MODEL.NOT_FOR_MUNICIPALITY`, nothing
 * appended, no case), while the version numbers stay one sequence per model.
 */

let h: AppHarness;
// Test codes of no real municipality (signals of other runs share the topics): `leeuwarden` stands in for GM0080.
const [leeuwarden, other] = twoMunicipalities();
let leeuwardenCoordinator: string;
let otherCoordinator: string;
let admin: string;
let leeuwardenSignal: string;
let otherSignal: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  leeuwardenCoordinator = await h.token('coordinator', [leeuwarden], { subject: 'coordinator-leeuwarden' });
  otherCoordinator = await h.token('coordinator', [other], { subject: 'coordinator-elders' });
  admin = await h.token('admin', [leeuwarden, other], { subject: 'beheerder-kees' });
  leeuwardenSignal = await sendSignal(h, leeuwardenCoordinator, 'mma', leeuwarden);
  otherSignal = await sendSignal(h, otherCoordinator, 'mma', other);
  // A case on each side before version 2 exists: the router knows both signals from here on.
  await openedCase(h, leeuwardenCoordinator, { model: 'ave', signalIds: [leeuwardenSignal] });
  await openedCase(h, otherCoordinator, { model: 'ave', signalIds: [otherSignal] });

  const v1 = await h.request('GET', '/v1/models/ave/versions/1', { token: admin });
  const v2 = { ...structuredClone(v1.body.definition), version: 2, title: 'AVE (Leeuwarden)', municipalities: [leeuwarden] };
  const published = await h.request('POST', '/v1/models', { token: admin, body: v2 });
  expect(published.status).toBe(201);
  expect(published.body).toMatchObject({ municipalities: [leeuwarden], definition: { version: 2, municipalities: [leeuwarden] } });
});

afterAll(async () => {
  await h?.stop();
});

const caseCount = async (municipality: string) => Number((await h.query<{ n: string }>('SELECT count(*) AS n FROM case_view WHERE municipality = $1', [municipality]))[0]!.n);

describe('a model version published for one municipality is the default only there', () => {
  it('stores the municipalities with the version and in its ModelVersionPublished event', async () => {
    const [row] = await h.query<{ definition: { municipalities?: string[] } }>("SELECT definition FROM model_versions WHERE id = 'ave' AND version = 2");
    expect(row!.definition.municipalities).toEqual([leeuwarden]);
    const [event] = await h.query<{ payload: { definition: { municipalities?: string[] } } }>("SELECT payload FROM events WHERE stream_id = 'model-ave'");
    expect(event!.payload.definition.municipalities).toEqual([leeuwarden]);
  });

  it('a case in another municipality still opens on version 1 by default', async () => {
    const opened = await openedCase(h, otherCoordinator, { model: 'ave', signalIds: [otherSignal] });
    expect(opened.body.model).toEqual({ id: 'ave', version: 1, title: expect.any(String) });
  });

  it('a case in the municipality the version is for opens on version 2 by default', async () => {
    const opened = await openedCase(h, leeuwardenCoordinator, { model: 'ave', signalIds: [leeuwardenSignal] });
    expect(opened.body.model).toEqual({ id: 'ave', version: 2, title: 'AVE (Leeuwarden)' });
  });

  it('an explicit version 2 for another municipality is refused with 422 MODEL.NOT_FOR_MUNICIPALITY, and no case is opened', async () => {
    const before = await caseCount(other);
    const res = await expectRefused(h, () => openCase(h, otherCoordinator, { model: 'ave', modelVersion: 2, signalIds: [otherSignal] }), 422, 'MODEL.NOT_FOR_MUNICIPALITY');
    expect(res.body).toMatchObject({ model: 'ave', version: 2, municipality: other });
    expect(await caseCount(other)).toBe(before);
  });

  it("moving another municipality's case to version 2 is refused with 422 MODEL.NOT_FOR_MUNICIPALITY; a Leeuwarden case moves", async () => {
    const onV1 = await openedCase(h, otherCoordinator, { model: 'ave', modelVersion: 1, signalIds: [otherSignal] });
    const move = (caseId: string, etag: string) => () =>
      h.request('POST', `/v1/cases/${caseId}/model-version`, { token: admin, body: { toVersion: 2, stateMapping: {}, reason: 'Nieuwe regionale afspraken' }, headers: { 'if-match': etag } });
    const res = await expectRefused(h, move(onV1.body.caseId, onV1.headers.get('etag')!), 422, 'MODEL.NOT_FOR_MUNICIPALITY');
    expect(res.body).toMatchObject({ model: 'ave', version: 2, municipality: other });

    const leeuwardenOnV1 = await openedCase(h, leeuwardenCoordinator, { model: 'ave', modelVersion: 1, signalIds: [leeuwardenSignal] });
    const moved = await move(leeuwardenOnV1.body.caseId, leeuwardenOnV1.headers.get('etag')!)();
    expect({ status: moved.status, model: moved.body.model?.version }).toEqual({ status: 200, model: 2 });
  });

  it('shows the municipalities of each version (null: every municipality)', async () => {
    const v1 = await h.request('GET', '/v1/models/ave/versions/1', { token: otherCoordinator });
    expect(v1.body).toMatchObject({ builtIn: true, municipalities: null });
    const v2 = await h.request('GET', '/v1/models/ave/versions/2', { token: otherCoordinator });
    expect(v2.body).toMatchObject({ builtIn: false, municipalities: [leeuwarden] });

    const list = await h.request('GET', '/v1/models', { token: otherCoordinator });
    const ave = list.body.items.find((m: { id: string }) => m.id === 'ave');
    // Without a filter: the latest version of all, whoever it is for.
    expect(ave).toMatchObject({ latestVersion: 2, municipalities: [leeuwarden], latest: { version: 2 } });
    expect(ave.versions.map((v: { version: number; municipalities: unknown }) => [v.version, v.municipalities])).toEqual([
      [1, null],
      [2, [leeuwarden]],
    ]);
  });

  it('GET /v1/models?municipality= gives per model the latest version for that municipality, and refuses a malformed code with 400', async () => {
    const forOther = await h.request('GET', `/v1/models?municipality=${other}`, { token: otherCoordinator });
    expect(forOther.status).toBe(200);
    const ave = forOther.body.items.find((m: { id: string }) => m.id === 'ave');
    expect(ave).toMatchObject({ latestVersion: 1, municipalities: null, latest: { version: 1 } });
    expect(ave.versions.map((v: { version: number }) => v.version)).toEqual([1]);
    const forLeeuwarden = await h.request('GET', `/v1/models?municipality=${leeuwarden}`, { token: otherCoordinator });
    expect(forLeeuwarden.body.items.find((m: { id: string }) => m.id === 'ave')).toMatchObject({ latestVersion: 2, latest: { version: 2 } });

    for (const bad of ['gm0080', 'GM80', 'Leeuwarden']) {
      await expectRefused(h, () => h.request('GET', `/v1/models?municipality=${bad}`, { token: otherCoordinator }), 400, 'VALIDATION.FAILED');
    }
    await expectRefused(h, () => h.request('GET', `/v1/models?gemeente=${other}`, { token: otherCoordinator }), 400, 'VALIDATION.FAILED');
  });

  it('numbers versions in one sequence per model: version 3 for every municipality becomes the default everywhere but where a municipality has its own', async () => {
    const v1 = await h.request('GET', '/v1/models/ave/versions/1', { token: admin });
    const forOtherOnly = { ...structuredClone(v1.body.definition), version: 2, municipalities: [other] };
    const conflict = await expectRefused(h, () => h.request('POST', '/v1/models', { token: admin, body: forOtherOnly }), 409, 'MODEL.VERSION_CONFLICT');
    expect(conflict.body).toMatchObject({ latestVersion: 2, expectedVersion: 3 });
    const v3 = { ...structuredClone(v1.body.definition), version: 3, title: 'AVE (iedereen)' };
    expect((await h.request('POST', '/v1/models', { token: admin, body: v3 })).status).toBe(201);

    const otherCase = await openedCase(h, otherCoordinator, { model: 'ave', signalIds: [otherSignal] });
    expect(otherCase.body.model.version).toBe(3);
    // Leeuwarden's own AVE 2 stays its default: a newer common version does not replace a municipality's protocol.
    const leeuwardenCase = await openedCase(h, leeuwardenCoordinator, { model: 'ave', signalIds: [leeuwardenSignal] });
    expect(leeuwardenCase.body.model.version).toBe(2);
    const forLeeuwarden = await h.request('GET', `/v1/models?municipality=${leeuwarden}`, { token: leeuwardenCoordinator });
    const ave = forLeeuwarden.body.items.find((m: { id: string }) => m.id === 'ave');
    expect({ latest: ave.latestVersion, versions: ave.versions.map((v: { version: number }) => v.version) }).toEqual({ latest: 2, versions: [1, 2, 3] });
    const forOther = await h.request('GET', `/v1/models?municipality=${other}`, { token: otherCoordinator });
    expect(forOther.body.items.find((m: { id: string }) => m.id === 'ave')).toMatchObject({ latestVersion: 3 });
    // Opening on the common version there stays possible by asking for it.
    expect((await openedCase(h, leeuwardenCoordinator, { model: 'ave', modelVersion: 3, signalIds: [await sendSignal(h, leeuwardenCoordinator, 'zorgmelding', leeuwarden)] })).body.model.version).toBe(3);
  });

  it('a model with no version for the municipality is not found there, and not listed for it', async () => {
    const own = {
      id: 'leeuwarder-protocol',
      version: 1,
      title: 'Eigen protocol',
      description: 'Alleen voor Leeuwarden',
      municipalities: [leeuwarden],
      initialState: 'open',
      states: [{ id: 'open', title: 'Open' }, { id: 'klaar', title: 'Klaar', terminal: true }],
      transitions: [{ name: 'afsluiten', from: ['open'], to: 'klaar', rolesAllowed: ['coordinator'], requires: { reason: true } }],
      deadlines: [],
    };
    expect((await h.request('POST', '/v1/models', { token: admin, body: own })).status).toBe(201);
    await expectRefused(h, () => openCase(h, otherCoordinator, { model: 'leeuwarder-protocol', signalIds: [otherSignal] }), 404, 'MODEL.NOT_FOUND');
    await openedCase(h, leeuwardenCoordinator, { model: 'leeuwarder-protocol', signalIds: [leeuwardenSignal] });

    const forOther = await h.request('GET', `/v1/models?municipality=${other}`, { token: otherCoordinator });
    expect(forOther.body.items.map((m: { id: string }) => m.id)).not.toContain('leeuwarder-protocol');
    const forLeeuwarden = await h.request('GET', `/v1/models?municipality=${leeuwarden}`, { token: leeuwardenCoordinator });
    expect(forLeeuwarden.body.items.map((m: { id: string }) => m.id)).toContain('leeuwarder-protocol');
  });
});
