import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ProjectionReplayer, type Database } from '#eventstore';
import { DATABASE, MASTER_KEY_PROVIDER } from '#platform';
import type { MasterKeyProvider } from '#security';
import { startApp, waitFor, type AppHarness, type HarnessResponse } from '../../../test/support/app-harness.js';
import { ALL_APPS } from '../../signaalroute/src/all-apps.js';
import { DAY_MS, movableClock, openedCase, sendSignal, walk } from '../../router/test/support/router-fixtures.js';
import { subjectRegistryProjection } from '../../router/src/subjects/subject-registry.projection.js';

/**
 * The tables' disclosure register and the router's subject registry rebuilt from position 0 of the log, on
 * real PostgreSQL and Kafka, after a scripted history through the whole product: subjects registered, one
 * linked to a zorgmelding whose AVE case is referred to the ZVH casusoverleg and escalated to the police (two
 * disclosures), that subject erased on request, another destroyed by the retention job years later, and
 * two registered afterwards (one with the erased subject's BSN). Both rebuilt tables must be hash-identical to
 * the live ones, erased subjects included (sealed values sealed, `erased_at` set, lookup keys cleared); a
 * tampered live row must show up as a difference; the subject registry switched in keeps matching BSNs.
 *
 * `subjects` is replayed here with the harness's master keys (the registered projection takes the
 * process's configuration, which in a test process is not the harness's).
 */

let h: AppHarness;
let replayer: ProjectionReplayer;
const clock = movableClock();
const ENSCHEDE = 'GM0153';
let auditor: string;
let coordinator: string;
let admin: string;
const tag = () => randomUUID().slice(0, 8);
const bsn = '111222333';
const subjects = { erased: '', retained: '', live: '', again: '' };
let caseId = '';

const replay = (body: Record<string, unknown>, token = auditor): Promise<HarnessResponse> => h.request('POST', '/v1/audit/replay', { token, body });
const register = async (body: Record<string, unknown>): Promise<string> => {
  const res = await h.request('POST', '/v1/subjects', { token: coordinator, body: { municipality: ENSCHEDE, ...body } });
  expect({ status: res.status, code: res.body?.code }).toEqual({ status: 201, code: undefined });
  return res.body.subjectId as string;
};
const subjectRow = async (subjectId: string) =>
  (await h.query<Record<string, string | null>>('SELECT name, bsn, bsn_key, name_key, birth_date_key, address_key, postcode_key, erased_at FROM subjects WHERE subject_id = $1', [subjectId]))[0]!;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS, clock: clock.now, env: { RETENTION_POLL_INTERVAL_MS: '86400000' } });
  const db = h.running.app.get<symbol, Database>(DATABASE, { strict: false });
  const keys = h.running.app.get<symbol, MasterKeyProvider>(MASTER_KEY_PROVIDER, { strict: false });
  replayer = new ProjectionReplayer(db, [subjectRegistryProjection(() => keys.masterKeys())]);
  auditor = await h.token('auditor', undefined, { subject: 'auditor-ada' });
  admin = await h.token('admin', [ENSCHEDE], { subject: 'admin-fg' });
  coordinator = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-anna' });
  const intake = await h.token('intake-system', [ENSCHEDE], { subject: 'connector-zorgmeldingen' });

  subjects.erased = await register({ kind: 'person', name: `Erik Wisbaar ${tag()}`, bsn, birthDate: '1970-03-04', address: 'Wislaan 12', postcode: '7511 AB' });
  subjects.retained = await register({ kind: 'address', address: `Bewaarlaan ${Math.floor(Math.random() * 900) + 1}` });

  // A zorgmelding about the erased-to-be subject, linked, in an AVE case referred to the ZVH and escalated.
  const signalId = await sendSignal(h, intake, 'zorgmelding', ENSCHEDE);
  await waitFor(async () => (await h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId: subjects.erased } })).status === 200, { what: 'the signal linked' });
  const opened = await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId], subjectId: subjects.erased });
  caseId = opened.body.caseId;
  const up = (to: number) => ({ transition: `opschalen-ave-${to}`, reasonCategory: 'complexiteit', reason: `Zorgen nemen toe (${to})` });
  await walk(h, coordinator, caseId, opened.headers.get('etag')!, [up(2), up(3)]);
  expect((await h.request('POST', `/v1/cases/${caseId}/referrals`, { token: coordinator, body: { table: 'zvh-casusoverleg', reason: 'Meerdere leefgebieden' } })).status).toBe(200);
  await waitFor(async () => (await h.query('SELECT 1 FROM table_disclosures WHERE case_id = $1', [caseId])).length === 1, { what: 'the ZVH disclosure' });
  await walk(h, coordinator, caseId, (await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator })).headers.get('etag')!, [up(4)]);
  await waitFor(async () => (await h.query('SELECT 1 FROM table_disclosures WHERE case_id = $1', [caseId])).length === 2, { what: 'the police disclosure' });

  const erased = await h.request('POST', `/v1/subjects/${subjects.erased}/erasure`, { token: admin, body: { reason: 'Verzoek betrokkene AVG art. 17, kenmerk W-2026-31' } });
  expect(erased.status).toBe(200);

  // Years later the retention job destroys the never-linked subject's identity; then two subjects are
  // registered, one with the erased subject's BSN (free again).
  clock.advance(3 * 366 * DAY_MS);
  const run = await h.request('POST', '/v1/retention/runs', { token: admin });
  expect(run.status).toBe(201);
  expect(run.body.shredded.map((s: { subjectId?: string }) => s.subjectId)).toContain(subjects.retained);
  subjects.live = await register({ kind: 'person', name: `Lotte Levend ${tag()}`, bsn: '123456782', birthDate: '1985-05-05', address: 'Levensweg 3', postcode: '7512 CD' });
  subjects.again = await register({ kind: 'person', name: `Erik Opnieuw ${tag()}`, bsn });
  // A replay reads the log below the oldest transaction in flight (a late commit is never skipped). On a busy
  // machine a consumer's transaction can still be open here, and the replay would not yet see the last
  // registrations: wait until every event committed so far is visible to a reader of the log.
  await waitFor(
    async () => (await h.query<{ visible: boolean }>('SELECT (SELECT max(transaction_id) FROM events) < pg_snapshot_xmin(pg_current_snapshot()) AS visible'))[0]!.visible,
    { what: 'every committed event visible to a reader of the log' },
  );
}, 180_000);

afterAll(async () => {
  await h?.stop();
});

describe('replay of the disclosure register and the subject registry', () => {
  it('lists both among the projections of the running apps', async () => {
    const res = await h.request('GET', '/v1/audit/projections', { token: auditor });
    expect(res.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'table-disclosures', tables: ['table_disclosures'] }),
        expect.objectContaining({ name: 'subjects', tables: ['subjects'] }),
      ]),
    );
  });

  it('rebuilds table-disclosures from position 0 hash-identical to the live register (the ZVH referral and the police escalation)', async () => {
    const res = await replay({ projection: 'table-disclosures' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ projection: 'table-disclosures', identical: true, eventsRead: 2 });
    expect(res.body.tables).toEqual([expect.objectContaining({ table: 'table_disclosures', liveRows: 2, replayRows: 2, identical: true, differences: [], ignoredColumns: {} })]);
    expect(res.body.tables[0].replayHash).toBe(res.body.tables[0].liveHash);
    const recipients = await h.query<{ recipient: string }>('SELECT recipient FROM table_disclosures WHERE case_id = $1 ORDER BY recipient', [caseId]);
    expect(recipients.map((r) => r.recipient)).toEqual(['politie', 'zvh-casusoverleg']);
  });

  it('rebuilds subjects from position 0 hash-identical to the live registry, erased subjects redacted alike', async () => {
    const report = await replayer.replay('subjects');
    expect(report).toMatchObject({ projection: 'subjects', identical: true });
    expect(report.tables).toEqual([expect.objectContaining({ table: 'subjects', liveRows: 4, replayRows: 4, identical: true, differences: [], ignoredColumns: {} })]);
    // What was compared: erased subjects keep their sealed values, with erased_at and no lookup keys...
    for (const id of [subjects.erased, subjects.retained]) {
      const row = await subjectRow(id);
      expect(row.erased_at).not.toBeNull();
      expect([row.bsn_key, row.name_key, row.birth_date_key, row.address_key, row.postcode_key]).toEqual([null, null, null, null, null]);
    }
    expect((await subjectRow(subjects.erased)).bsn).toMatch(/^pd1\./);
    // ...and the others their lookup keys, re-derived by the replay from their sealed values.
    expect(await subjectRow(subjects.live)).toMatchObject({ erased_at: null, bsn_key: expect.any(String), name_key: expect.any(String), postcode_key: expect.any(String), bsn: expect.stringMatching(/^pd1\./) });
    expect((await subjectRow(subjects.again)).bsn_key).toEqual(expect.any(String));
  });

  it('reports a tampered subject row and a tampered or deleted disclosure, with the live and the replayed values', async () => {
    await h.query(`UPDATE subjects SET erased_at = NULL, bsn_key = 'teruggezet' WHERE subject_id = $1`, [subjects.erased]);
    const report = await replayer.replay('subjects');
    expect(report.identical).toBe(false);
    expect(report.tables[0]).toMatchObject({ differenceCount: 1 });
    expect(report.tables[0]!.differences).toEqual([
      {
        key: { subject_id: subjects.erased },
        kind: 'different',
        columns: ['bsn_key', 'erased_at'],
        live: expect.objectContaining({ bsn_key: 'teruggezet', erased_at: null }),
        replay: expect.objectContaining({ bsn_key: null, erased_at: expect.any(String) }),
      },
    ]);

    const [police] = await h.query<{ disclosure_id: string }>(`SELECT disclosure_id FROM table_disclosures WHERE recipient = 'politie' AND case_id = $1`, [caseId]);
    const [zvh] = await h.query<{ disclosure_id: string }>(`SELECT disclosure_id FROM table_disclosures WHERE recipient = 'zvh-casusoverleg' AND case_id = $1`, [caseId]);
    await h.query('DELETE FROM table_disclosures WHERE disclosure_id = $1', [police!.disclosure_id]);
    await h.query(`UPDATE table_disclosures SET fields = '{}' WHERE disclosure_id = $1`, [zvh!.disclosure_id]);
    const res = await replay({ projection: 'table-disclosures' });
    expect(res.body.identical).toBe(false);
    const differences = [...res.body.tables[0].differences].sort((a: { kind: string }, b: { kind: string }) => a.kind.localeCompare(b.kind));
    expect(differences).toEqual([
      expect.objectContaining({ key: { disclosure_id: zvh!.disclosure_id }, kind: 'different', columns: ['fields'], live: expect.objectContaining({ fields: [] }) }),
      expect.objectContaining({ key: { disclosure_id: police!.disclosure_id }, kind: 'missing-in-live', live: null, replay: expect.objectContaining({ recipient: 'politie', case_id: caseId }) }),
    ]);
  });

  it('switches the rebuilt subject registry in: the erasure is restored and a BSN is still matched through the rebuilt lookup keys', async () => {
    const report = await replayer.replay('subjects', { switch: true });
    expect(report.switched?.previousTables).toEqual({ subjects: expect.stringMatching(/^subjects_previous_/) });
    expect((await subjectRow(subjects.erased)).erased_at).not.toBeNull();
    const twice = await h.request('POST', '/v1/subjects', { token: coordinator, body: { municipality: ENSCHEDE, kind: 'person', name: 'Iemand Anders', bsn: '123456782' } });
    expect({ status: twice.status, code: twice.body?.code, subjectId: twice.body?.subjectId }).toEqual({ status: 409, code: 'SUBJECT.BSN_CONFLICT', subjectId: subjects.live });
    expect((await replayer.replay('subjects')).identical).toBe(true);
  });

  it('answers REPLAY.PROJECTION_UNKNOWN naming the new projections among the known ones', async () => {
    const res = await replay({ projection: 'disclosures' });
    expect({ status: res.status, code: res.body?.code }).toEqual({ status: 404, code: 'REPLAY.PROJECTION_UNKNOWN' });
    expect(res.body.known).toEqual(expect.arrayContaining(['table-disclosures', 'subjects']));
    expect(res.body.title).toEqual(expect.stringContaining('table-disclosures'));
  });
});
