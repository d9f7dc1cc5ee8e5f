import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REFERRAL_TOPICS } from '#contracts';
import { BUILT_IN_TABLES_CONFIG } from '#domain';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import type { TopicWatcher } from '../../../test/support/kafka-probe.js';
import { internMeldpuntPayload, mmaPayload, zorgmeldingPayload } from '../../intake/test/support/intake-fixtures.js';
import { caseReferredToRiec, movableClock, openedCase, PRODUCT_APPS, TO_RIEC_DECISION, walk } from '../../router/test/support/router-fixtures.js';
import { connectSse, type SseConnection } from './support/sse-client.js';
import { BSN_AS_TYPED, envelopeOf, keyringOf, rawOf, TABLES_APP, TABLES_OUTPUT_TOPICS, tag, timersOf } from './support/tables-fixtures.js';
import { leaksIn, type KeptInside } from './support/what-leaves-the-municipality.js';

/**
 * End to end on real PostgreSQL and Kafka, the whole product in one process: signals enter intake over
 * HTTP, the router runs the case, the tables app hands it to the table and the police.
 *  1. zorgmelding → `ave` case → AVE 3 → referral to `zvh-casusoverleg` → a table member accepts →
 *     procesregie moves to the ZVH (the router applies `ReferralAccepted`);
 *  2. MMA tip → `ondermijning-intake` → besluit `riec` → the RIEC receives the minimised referral;
 *  3. AVE 4 → tier 1 does not acknowledge → tier 2 receives it after the timeout (injected clock), and the
 *     SSE stream delivers it to a connected client.
 * Across every table topic and the liaison feed, no reporter identity and no BSN appears, however it was typed into
 * free text (`BSN_AS_TYPED`: two spaces, a tab, a narrow no-break space, zero-width characters, fullwidth digits).
 */

let h: AppHarness;
let watcher: TopicWatcher;
const clock = movableClock();
const ENSCHEDE = 'GM0153';
const BSN = '111222333'; // the zorgmelding fixture's
/** Of every signal sent in: what must never leave the municipality (raw or sealed). */
const kept = { bsn: [BSN], reporter: [] as string[], zorg: [] as string[] } satisfies KeptInside;
/** The reporter vault's contexts of the signals sent in (a vault value copied out would only open with one). */
const vaultContexts: string[] = [];
let intake: string;
let coordinator: string;
let zvhMember: string;
let riecMember: string;
let liaison: string;
const streams: SseConnection[] = [];

beforeAll(async () => {
  h = await startApp({
    apps: [...PRODUCT_APPS, TABLES_APP],
    clock: clock.now,
  });
  watcher = await h.watch(TABLES_OUTPUT_TOPICS);
  intake = await h.token('intake-system', [ENSCHEDE], { subject: 'connector-meldpunt' });
  coordinator = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-anna' });
  zvhMember = await h.token('table-member', [ENSCHEDE], { subject: 'zvh-petra', tables: ['zvh-casusoverleg'] });
  riecMember = await h.token('table-member', [ENSCHEDE], { subject: 'riec-rik', tables: ['riec'] });
  liaison = await h.token('police-liaison', [ENSCHEDE], { subject: 'agent-jansen' });
});

afterAll(async () => {
  streams.forEach((s) => s.close());
  await h?.stop();
});

const opschalen = (transition: string) => ({ transition, reasonCategory: 'complexiteit', reason: 'Problemen op meerdere leefgebieden' });

/** Sends a signal in through intake; its reporter (kept in the vault) and its reference join what must stay inside. */
async function signal(source: 'zorgmelding' | 'intern-meldpunt', body: Record<string, unknown>, reporter: string[]): Promise<string> {
  const res = await h.request('POST', `/v1/signals/${source}`, { token: intake, body });
  expect(res.status).toBe(201);
  const signalId: string = res.body.signalId;
  const [vault] = await h.query<{ reporter_ref: string }>('SELECT reporter_ref FROM reporter_vault WHERE signal_id = $1', [signalId]);
  kept.reporter.push(...reporter, vault!.reporter_ref);
  vaultContexts.push(`reporter-vault:${signalId}`);
  return signalId;
}

/** A zorgmelding (reporter in the vault; the BSN in its subject and typed into its concern, as people do, in every spelling). */
function zorgmelding(): Promise<string> {
  const reporter = { name: `Melder ${tag()}`, contact: `melder-${tag()}@example.nl`, relation: 'familie' };
  const concern = `Verward gedrag ${tag()}`;
  kept.zorg.push(concern);
  return signal('zorgmelding', zorgmeldingPayload(ENSCHEDE, reporter, { concern: `${concern}; de buurvrouw noemt bsn ${BSN}, ook genoteerd als ${BSN_AS_TYPED.join(' en als ')}` }), [reporter.name, reporter.contact]);
}

/** A zorgmelding through intake and an AVE case opened from it. */
async function aveCase(): Promise<{ caseId: string; etag: string }> {
  const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [await zorgmelding()] });
  return { caseId: opened.body.caseId, etag: opened.headers.get('etag')! };
}

describe('zorgmelding → AVE 3 → ZVH casusoverleg accepts → procesregie to the ZVH', () => {
  it('refers, lets the table member accept, and the case shows the ZVH holding procesregie', async () => {
    const { caseId, etag } = await aveCase();
    let last = await walk(h, coordinator, caseId, etag, [opschalen('opschalen-ave-2'), opschalen('opschalen-ave-3')]);
    // The municipality's procesregisseur keeps procesregie until the ZVH accepts.
    last = await h.request('POST', `/v1/cases/${caseId}/regie`, { token: coordinator, body: { responsibility: 'procesregie', holder: 'procesregisseur', reason: 'Tot het ZVH aanvaardt' }, headers: { 'if-match': last.headers.get('etag')! } });
    expect(last.status).toBe(200);
    const referred = await h.request('POST', `/v1/cases/${caseId}/referrals`, { token: coordinator, body: { table: 'zvh-casusoverleg', reason: 'Complexe problematiek, meerdere ketens' } });
    expect(referred.status).toBe(200);
    const referralId: string = referred.body.referrals.at(-1).referralId;

    const listed = await waitFor(async () => {
      const res = await h.request('GET', '/v1/tables/zvh-casusoverleg/referrals?limit=200', { token: zvhMember });
      return res.body.items.find((i: { referralId: string }) => i.referralId === referralId);
    }, { what: 'the referral in the ZVH register' });
    expect(listed).toMatchObject({ status: 'open', caseType: 'ave', case: { caseState: 'ave-3', referralReason: 'Complexe problematiek, meerdere ketens', urgency: ['hoog'] } });

    expect((await h.request('POST', `/v1/tables/zvh-casusoverleg/referrals/${referralId}/accept`, { token: zvhMember })).status).toBe(200);
    const applied = await waitFor(async () => {
      const res = await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator });
      return res.body.referrals.find((r: { referralId: string; outcome?: string }) => r.referralId === referralId && r.outcome === 'accepted') ? res.body : undefined;
    }, { what: 'the router to apply ReferralAccepted', timeoutMs: 30_000 });
    expect(applied.responsibilities.procesregie).toBe('zvh');
    const tail = await h.query<{ type: string; payload: Record<string, unknown> }>('SELECT type, payload FROM events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 2', [`case-${caseId}`]);
    expect(tail.reverse()).toEqual([
      { type: 'CaseReferralAccepted', payload: expect.objectContaining({ referralId, table: 'zvh-casusoverleg', responsibilities: { procesregie: 'zvh' }, decidedBy: { id: 'zvh-petra', role: 'table-member' } }) },
      { type: 'RegieHandedOver', payload: expect.objectContaining({ responsibility: 'procesregie', from: 'procesregisseur', to: 'zvh' }) },
    ]);
  });
});

describe('MMA tip → ondermijning-intake → besluit RIEC → the RIEC receives the minimised referral', () => {
  it('publishes exactly the RIEC profile fields to signaalroute.tables.riec.v1', async () => {
    const tip = mmaPayload(ENSCHEDE, { description: `Hennepkwekerij op zolder ${tag()}` });
    const res = await h.request('POST', '/v1/signals/mma', { token: intake, body: tip });
    const { caseId, referralId } = await caseReferredToRiec(h, coordinator, res.body.signalId);

    const [message] = await watcher.waitFor((m) => m.topic === 'signaalroute.tables.riec.v1' && m.key === `referral-${referralId}`, { what: 'the RIEC referral' });
    const payload = envelopeOf(message!).payload as Record<string, any>;
    const riec = BUILT_IN_TABLES_CONFIG.tables.find((t) => t.id === 'riec')!;
    expect(Object.keys(payload.case).sort()).toEqual([...riec.profile.fields['ondermijning-intake']!].sort());
    // Personal values travel sealed under the signal's data key; the RIEC's members read them through the API.
    expect(payload.case).toMatchObject({ theme: ['drugs'], description: [expect.stringMatching(/^pd1\./)], signalSources: ['mma'], caseState: 'riec' });
    expect(rawOf(message!)).not.toContain(caseId);
    expect(rawOf(message!)).not.toContain(tip.description);
    const mine = await waitFor(async () => {
      const res = await h.request('GET', `/v1/tables/riec/referrals/${referralId}`, { token: riecMember });
      return res.status === 200 ? res.body : undefined;
    });
    expect(mine).toMatchObject({ referralId, personalDataErased: false, case: { description: [tip.description], theme: ['drugs'] } });
  });

  it('shares an intern-meldpunt report without its reporter, and a zorgmelding in the case without its zorg or BSN', async () => {
    const tip = await h.request('POST', '/v1/signals/mma', { token: intake, body: mmaPayload(ENSCHEDE, { description: `Drugsopslag ${tag()}, huurder bsn ${BSN_AS_TYPED.join(' of ')}` }) });
    const reporter = { employeeId: `E-${tag()}`, department: `Vergunningen-${tag()}` };
    const report = await signal('intern-meldpunt', internMeldpuntPayload(ENSCHEDE, reporter, { description: `Contante betalingen ${tag()}` }), [reporter.employeeId, reporter.department]);
    const opened = await openedCase(h, coordinator, { model: 'ondermijning-intake', signalIds: [tip.body.signalId, report, await zorgmelding()] });
    const caseId: string = opened.body.caseId;
    await walk(h, coordinator, caseId, opened.headers.get('etag')!, [...TO_RIEC_DECISION]);
    const referred = await h.request('POST', `/v1/cases/${caseId}/referrals`, { token: coordinator, body: { table: 'riec', reason: `Ondermijning met meerdere signalen, zie bsn ${BSN_AS_TYPED.join(' en ')}` } });
    expect(referred.status).toBe(200);
    const referralId: string = referred.body.referrals.at(-1).referralId;
    const [message] = await watcher.waitFor((m) => m.topic === 'signaalroute.tables.riec.v1' && m.key === `referral-${referralId}`, { what: 'the RIEC referral of three signals' });
    const payload = envelopeOf(message!).payload as Record<string, any>;
    expect(payload.case).toMatchObject({ signalSources: ['mma', 'intern-meldpunt', 'zorgmelding'], involvedParty: [expect.objectContaining({ kind: 'business' })] });
    // The search below opens the sealed values; here only that the report itself did arrive.
    expect(JSON.stringify((await keyringOf(h).reveal(payload.case)).value)).toContain('Contante betalingen');
  });
});

describe('AVE 4 → tier 1 does not acknowledge → tier 2 after the timeout → the SSE client gets it', () => {
  it('escalates on the injected clock and streams every step', async () => {
    const live = await connectSse(h.url, '/v1/liaison/escalations/stream', liaison);
    streams.push(live);
    expect(live.status).toBe(200);
    const { caseId, etag } = await aveCase();
    await walk(h, coordinator, caseId, etag, [opschalen('opschalen-ave-2'), opschalen('opschalen-ave-3'), { ...opschalen('opschalen-ave-4'), reasonCategory: 'veiligheid' }]);

    const [raised] = await live.waitFor((e) => e.event === 'EscalationRaised' && e.data.trigger?.detail === 'MayorInformed' && e.data.case?.caseState === 'ave-4', { what: 'the escalation of AVE 4' });
    const id: string = raised!.data.escalationId;
    await live.waitFor((e) => e.data.escalationId === id && e.event === 'EscalationTierNotified', { what: 'tier 1' });

    const timers = timersOf(h);
    clock.advance(15 * 60_000);
    await timers.tick();
    clock.advance(15 * 60_000);
    await timers.tick();
    const [tier2] = await live.waitFor((e) => e.data.escalationId === id && e.event === 'EscalationTierNotified' && e.data.tierId === 'backup-liaison', { what: 'tier 2 on the stream' });
    expect(tier2!.data).toMatchObject({ tierIndex: 1, municipality: ENSCHEDE });
    await watcher.waitFor((m) => m.topic === REFERRAL_TOPICS.liaisonEscalations && m.key === `escalation-${id}` && envelopeOf(m).payload.tierId === 'backup-liaison');
    expect((await h.request('POST', `/v1/liaison/escalations/${id}/ack`, { token: liaison })).body.status).toBe('acknowledged');
  });
});

describe('bad referrals: a clear code, nothing shared', () => {
  it('a table the model state does not allow: CASE.REFERRAL_NOT_ALLOWED, nothing appended', async () => {
    const { caseId, etag } = await aveCase();
    await walk(h, coordinator, caseId, etag, [opschalen('opschalen-ave-2'), opschalen('opschalen-ave-3')]);
    const before = await h.countEvents();
    const res = await h.request('POST', `/v1/cases/${caseId}/referrals`, { token: coordinator, body: { table: 'riec', reason: 'Ondermijning?' } });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'CASE.REFERRAL_NOT_ALLOWED' });
    expect(await h.countEvents()).toBe(before);
  });

  it('a table that does not serve the municipality: refused when the coordinator refers (422), nothing recorded, nothing published', async () => {
    const AMSTERDAM = 'GM0363';
    const amsterdam = await h.token('coordinator', [AMSTERDAM], { subject: 'coordinator-adam' });
    const res = await h.request('POST', '/v1/signals/mma', { token: amsterdam, body: mmaPayload(AMSTERDAM) });
    const opened = await openedCase(h, amsterdam, { model: 'ondermijning-intake', signalIds: [res.body.signalId] });
    const caseId: string = opened.body.caseId;
    await walk(h, amsterdam, caseId, opened.headers.get('etag')!, [{ transition: 'start-weging' }, { transition: 'ondermijnend' }, { transition: 'gemeentelijke-taak' }, { transition: 'besluit-riec', reason: 'Naar het RIEC' }]);
    const before = await h.countEvents();
    // The router checks the tables configuration it shares with the tables app (the tables app's own rejection,
    // for a process started with another file, is in referrals-minimised-under-sharing-profiles.spec.ts).
    const referred = await h.request('POST', `/v1/cases/${caseId}/referrals`, { token: amsterdam, body: { table: 'riec', reason: 'Naar het RIEC' } });
    expect({ status: referred.status, code: referred.body.code, details: { table: referred.body.table, municipality: referred.body.municipality } }).toEqual({
      status: 422,
      code: 'CASE.TABLE_NOT_SERVING_MUNICIPALITY',
      details: { table: 'riec', municipality: AMSTERDAM },
    });
    expect(await h.countEvents()).toBe(before);
    expect((await h.request('GET', `/v1/cases/${caseId}`, { token: amsterdam })).body.referrals).toEqual([]);
    expect(await h.query('SELECT 1 FROM table_disclosures WHERE case_id = $1', [caseId])).toEqual([]);
  });
});

describe('what leaves the municipality', () => {
  it('carries no reporter identity and no BSN on any table topic or the liaison feed, nor zorg to the RIEC or police, sealed or not', async () => {
    expect(watcher.messages.length).toBeGreaterThan(0);
    expect(watcher.messages.some((m) => m.topic === REFERRAL_TOPICS.liaisonEscalations)).toBe(true);
    expect(watcher.messages.some((m) => m.topic === 'signaalroute.tables.riec.v1')).toBe(true);
    expect(kept.reporter.length).toBeGreaterThan(0);
    // Raw bytes and, opened with the keyring, every sealed value in them: a BSN or reporter sealed into a field is found too.
    const searched = await leaksIn(keyringOf(h), watcher.messages, kept, { contexts: vaultContexts });
    expect(searched.leaks).toEqual([]);
    expect(searched.opened).toBeGreaterThan(0);
  });
});
