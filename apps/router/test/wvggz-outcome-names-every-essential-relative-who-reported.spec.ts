import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { caseEventTypes, openedCase, PRODUCT_APPS, sendSignal, tag, twoMunicipalities, walk } from './support/router-fixtures.js';

/**
 * Under the Wvggz only an essentiële naaste who reported may be told the outcome. A case opened from several
 * zorgmeldingen names every one made by an essentiële naaste, whatever the order the coordinator named the signals
 * in, and `ReporterMayBeInformed` names those signals (ids only: who reported stays in the intake's reporter vault).
 */

let h: AppHarness;
const [home] = twoMunicipalities();
let coordinator: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-wvggz' });
});

afterAll(async () => {
  await h?.stop();
});

const reporter = (relation: string) => ({ name: `Melder ${tag()}`, contact: `melder-${tag()}@example.nl`, relation });

async function payloadsOf(caseId: string, type: string): Promise<Record<string, unknown>[]> {
  const rows = await h.query<{ payload: Record<string, unknown> }>('SELECT payload FROM events WHERE stream_id = $1 AND type = $2 ORDER BY stream_version', [`case-${caseId}`, type]);
  return rows.map((r) => r.payload);
}

const OUTCOME = [{ transition: 'start-verkennend-onderzoek' }, { transition: 'besluit-aanvraag-ovj', reason: 'Zorgmachtiging aangevraagd' }];

describe('Wvggz: the outcome names every essentiële naaste who reported, whatever the order of the signals', () => {
  it("a buurtbewoner's report named first does not hide the naaste's: the naaste's signal is named, the buurtbewoner's not", async () => {
    const buurt = reporter('buurtbewoner');
    const naaste = reporter('essentiele-naaste');
    const buurtSignal = await sendSignal(h, coordinator, 'zorgmelding', home, { reporter: buurt });
    const naasteSignal = await sendSignal(h, coordinator, 'zorgmelding', home, { reporter: naaste });
    const opened = await openedCase(h, coordinator, { model: 'wvggz-verkennend-onderzoek', signalIds: [buurtSignal, naasteSignal] });
    const caseId: string = opened.body.caseId;
    // The coordinator sees whom the outcome may be told: the naaste's signal (its reporter is in the vault).
    expect(opened.body).toMatchObject({ reporterRelation: 'essentiele-naaste', essentialRelativeSignalIds: [naasteSignal] });
    const [caseOpened] = await payloadsOf(caseId, 'CaseOpened');
    expect(caseOpened).toMatchObject({ reporterRelation: 'essentiele-naaste', essentialRelativeSignalIds: [naasteSignal] });

    await walk(h, coordinator, caseId, opened.headers.get('etag')!, OUTCOME);
    expect((await caseEventTypes(h, caseId)).slice(-4)).toEqual(['CaseTransitioned', 'DeadlineClosed', 'ReporterMayBeInformed', 'CaseClosed']);
    const [informed] = await payloadsOf(caseId, 'ReporterMayBeInformed');
    expect(informed).toMatchObject({ state: 'aanvraag-ovj', audience: 'melder', reporterRelation: 'essentiele-naaste', essentialRelativeSignalIds: [naasteSignal] });

    // Signal ids only: neither reporter's name or contact is in any of the case's events.
    const all = JSON.stringify(await h.query('SELECT payload FROM events WHERE stream_id = $1', [`case-${caseId}`]));
    for (const r of [buurt, naaste]) {
      expect(all).not.toContain(r.name);
      expect(all).not.toContain(r.contact);
    }
  });

  it('without an essentiële naaste among the reporters nothing about a reporter is raised', async () => {
    const buurtSignal = await sendSignal(h, coordinator, 'zorgmelding', home, { reporter: reporter('buurtbewoner') });
    const familieSignal = await sendSignal(h, coordinator, 'zorgmelding', home, { reporter: reporter('familie') });
    const opened = await openedCase(h, coordinator, { model: 'wvggz-verkennend-onderzoek', signalIds: [buurtSignal, familieSignal] });
    const caseId: string = opened.body.caseId;
    const [caseOpened] = await payloadsOf(caseId, 'CaseOpened');
    expect(caseOpened).not.toHaveProperty('essentialRelativeSignalIds');
    await walk(h, coordinator, caseId, opened.headers.get('etag')!, OUTCOME);
    expect(await caseEventTypes(h, caseId)).not.toContain('ReporterMayBeInformed');
  });

  it("a naaste's zorgmelding added to the case later may be told the outcome too", async () => {
    const buurtSignal = await sendSignal(h, coordinator, 'zorgmelding', home, { reporter: reporter('buurtbewoner') });
    const naasteSignal = await sendSignal(h, coordinator, 'zorgmelding', home, { reporter: reporter('essentiele-naaste') });
    const opened = await openedCase(h, coordinator, { model: 'wvggz-verkennend-onderzoek', signalIds: [buurtSignal] });
    const caseId: string = opened.body.caseId;
    expect(opened.body).toMatchObject({ reporterRelation: 'buurtbewoner' });
    const added = await waitFor(async () => {
      const res = await h.request('POST', `/v1/cases/${caseId}/signals`, { token: coordinator, body: { signalId: naasteSignal }, headers: { 'if-match': opened.headers.get('etag')! } });
      return res.status === 422 && res.body?.code === 'CASE.SIGNAL_UNKNOWN' ? undefined : res;
    }, { what: 'the router to know the naaste\'s signal' });
    expect({ status: added.status, code: added.body?.code }).toEqual({ status: 200, code: undefined });
    expect(added.body).toMatchObject({ reporterRelation: 'essentiele-naaste', essentialRelativeSignalIds: [naasteSignal] });
    const [signalAdded] = await payloadsOf(caseId, 'SignalAddedToCase');
    expect(signalAdded).toMatchObject({ signalId: naasteSignal, reportedByEssentialRelative: true });
    await walk(h, coordinator, caseId, added.headers.get('etag')!, OUTCOME);
    const [informed] = await payloadsOf(caseId, 'ReporterMayBeInformed');
    expect(informed).toMatchObject({ essentialRelativeSignalIds: [naasteSignal] });
  });
});
