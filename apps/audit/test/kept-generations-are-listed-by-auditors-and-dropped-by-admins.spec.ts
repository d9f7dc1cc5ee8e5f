import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startApp, type AppHarness, type HarnessResponse } from '../../../test/support/app-harness.js';
import { TABLES_APP } from '../../tables/test/support/tables-fixtures.js';
import { AUDIT_APP } from '../src/audit.app.js';

/**
 * The former live tables a blue-green switch keeps (`<table>_previous_<tag>`) are listed to auditors and admins
 * (`GET /v1/audit/projections/{name}/previous`) and dropped only by an admin (`DELETE …/previous?keep=<n>`), as
 * only an admin may switch. Real PostgreSQL; the projection is the tables app's disclosure register.
 */

let h: AppHarness;
let auditor: string;
let admin: string;
let coordinator: string;
const PROJECTION = 'table-disclosures';
const base = `/v1/audit/projections/${PROJECTION}/previous`;

const list = (token = auditor): Promise<HarnessResponse> => h.request('GET', base, { token });
const drop = (query = '', token = admin): Promise<HarnessResponse> => h.request('DELETE', `${base}${query}`, { token });
const registerTables = async (): Promise<string[]> =>
  (await h.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE 'table\\_disclosures%' ORDER BY 1")).map((r) => r.tablename);

/** Switches a rebuilt register in (admin), returning the tag of the generation it kept. */
async function switchOnce(): Promise<string> {
  const res = await h.request('POST', '/v1/audit/replay', { token: admin, body: { projection: PROJECTION, switch: true } });
  expect(res.status).toBe(200);
  return (res.body.switched.previousTables.table_disclosures as string).replace('table_disclosures_previous_', '');
}

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP, AUDIT_APP] });
  auditor = await h.token('auditor', undefined, { subject: 'auditor-ada' });
  admin = await h.token('admin', undefined, { subject: 'admin-bea' });
  coordinator = await h.token('coordinator', ['GM0153'], { subject: 'coordinator-anna' });
}, 120_000);
afterAll(async () => {
  await h?.stop();
});
beforeEach(async () => {
  expect((await drop()).status).toBe(200);
});

describe('GET and DELETE /v1/audit/projections/{name}/previous', () => {
  it('lists to an auditor the generation a switch kept', async () => {
    const tag = await switchOnce();
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([{ tag, switchedOutAt: expect.any(String), complete: true, tables: { table_disclosures: `table_disclosures_previous_${tag}` } }]);
    expect((await list(admin)).status).toBe(200);
    expect((await list(coordinator)).status).toBe(403);
  });

  it('lets an auditor list but not drop, and nobody but an admin', async () => {
    const tag = await switchOnce();
    for (const token of [auditor, coordinator]) {
      const res = await drop('', token);
      expect({ status: res.status, code: res.body?.code }).toEqual({ status: 403, code: 'AUTH.ROLE_NOT_ALLOWED' });
    }
    expect(await registerTables()).toEqual(['table_disclosures', `table_disclosures_previous_${tag}`]);
  });

  it('lets an admin drop all but the newest generation with keep=1, then the rest; the live register stays', async () => {
    const older = await switchOnce();
    const newer = await switchOnce();
    const kept = await drop('?keep=1');
    expect(kept.status).toBe(200);
    expect({ dropped: kept.body.dropped.map((g: { tag: string }) => g.tag), kept: kept.body.kept.map((g: { tag: string }) => g.tag) }).toEqual({ dropped: [older], kept: [newer] });
    expect(await registerTables()).toEqual(['table_disclosures', `table_disclosures_previous_${newer}`]);
    expect((await drop()).body).toMatchObject({ dropped: [{ tag: newer }], kept: [] });
    expect(await registerTables()).toEqual(['table_disclosures']);
    expect((await drop()).body).toEqual({ dropped: [], kept: [] });
    expect((await list()).body.items).toEqual([]);
  });

  it('refuses an unknown projection, a bad name, a bad keep and unknown query parameters, dropping nothing', async () => {
    const tag = await switchOnce();
    const unknown = await h.request('DELETE', '/v1/audit/projections/no-such-projection/previous', { token: admin });
    expect({ status: unknown.status, code: unknown.body?.code }).toEqual({ status: 404, code: 'REPLAY.PROJECTION_UNKNOWN' });
    expect((await h.request('GET', '/v1/audit/projections/no-such-projection/previous', { token: auditor })).status).toBe(404);
    expect((await h.request('DELETE', `/v1/audit/projections/${encodeURIComponent('Table_Disclosures"; DROP TABLE events')}/previous`, { token: admin })).status).toBe(400);
    for (const query of ['?keep=-1', '?keep=1.5', '?keep=abc', '?keep=1001', '?kep=1']) expect({ query, status: (await drop(query)).status }).toEqual({ query, status: 400 });
    expect((await h.request('GET', `${base}?tag=${tag}`, { token: auditor })).status).toBe(400);
    expect(await registerTables()).toEqual(['table_disclosures', `table_disclosures_previous_${tag}`]);
  });
});
