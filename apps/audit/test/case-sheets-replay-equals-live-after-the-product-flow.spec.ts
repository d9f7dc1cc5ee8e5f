import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { replayConverges } from '../../../test/support/replay-converges.js';
import { caseReferredToRiec, openedCase, PRODUCT_APPS, sendSignal, walk } from '../../router/test/support/router-fixtures.js';
import { TABLES_APP } from '../../tables/test/support/tables-fixtures.js';
import { AUDIT_APP } from '../src/audit.app.js';

/**
 * What the tables app knows of cases and signals (`tables-case-sheets`), after a flow through the whole product on
 * real PostgreSQL and Kafka: signals sealed by intake, cases written by the router (a note sealed under the case's
 * key, a signal added, a hand-over, a RIEC referral). Rebuilt from position 0 it must be hash-identical to what the
 * tables app's consumer made of the same events over Kafka, once that consumer caught up.
 */

let h: AppHarness;
let auditor: string;
const ENSCHEDE = 'GM0153';
const signals: string[] = [];
let aveCase = '';

beforeAll(async () => {
  h = await startApp({ apps: [...PRODUCT_APPS, TABLES_APP, AUDIT_APP] });
  auditor = await h.token('auditor', undefined, { subject: 'auditor-ada' });
  const coordinator = await h.token('coordinator', [ENSCHEDE], { subject: 'coordinator-anna' });
  const intake = await h.token('intake-system', [ENSCHEDE], { subject: 'connector-meldpunt' });
  for (const source of ['mma', 'zorgmelding', 'intern-meldpunt', 'mma'] as const) signals.push(await sendSignal(h, intake, source, ENSCHEDE));

  await caseReferredToRiec(h, coordinator, signals[0]!);
  const ave = await openedCase(h, coordinator, { model: 'ave', signalIds: [signals[1]!] });
  aveCase = ave.body.caseId;
  let answer = await walk(h, coordinator, aveCase, ave.headers.get('etag')!, [{ transition: 'opschalen-ave-2', reasonCategory: 'complexiteit', reason: 'Problemen op meerdere leefgebieden' }]);
  const command = async (path: string, body: Record<string, unknown>) => {
    answer = await h.request('POST', `/v1/cases/${aveCase}/${path}`, { token: coordinator, body, headers: { 'if-match': answer.headers.get('etag')! } });
    expect({ path, status: answer.status, code: answer.body?.code }).toEqual({ path, status: 200, code: undefined });
  };
  await command('notes', { text: 'Gedeeld met de tafel', visibility: 'deelbaar' });
  await command('notes', { text: 'Alleen intern', visibility: 'intern' });
  await command('signals', { signalId: signals[2]! });
  await command('regie', { responsibility: 'procesregie', holder: 'zvh', reason: 'ZVH neemt over' });

  await waitFor(async () => {
    const [row] = await h.query<{ sheet: { sharedNotes: unknown[]; signalIds: string[]; responsibilities: Record<string, string> } }>('SELECT sheet FROM tables_case_sheets WHERE case_id = $1', [aveCase]);
    return row?.sheet.sharedNotes.length === 1 && row.sheet.signalIds.length === 2 && row.sheet.responsibilities.procesregie === 'zvh';
  }, { what: 'the AVE case in the tables app', timeoutMs: 30_000 });
}, 150_000);

afterAll(async () => {
  await h?.stop();
});

describe('replay of tables-case-sheets after the product flow', () => {
  it('rebuilds the signal facts and case sheets from position 0 hash-identical to what the consumer made of them', async () => {
    await replayConverges(h, auditor, 'tables-case-sheets', 30_000);
    const res = await h.request('POST', '/v1/audit/replay', { token: auditor, body: { projection: 'tables-case-sheets' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      projection: 'tables-case-sheets',
      identical: true,
      tables: [
        { table: 'tables_signal_facts', liveRows: signals.length, replayRows: signals.length, differences: [] },
        { table: 'tables_case_sheets', liveRows: 2, replayRows: 2, differences: [] },
      ],
    });
    // The shared note is in the sheet as the router sealed it: compared sealed, never opened.
    const [row] = await h.query<{ sheet: { sharedNotes: { text: string }[] } }>('SELECT sheet FROM tables_case_sheets WHERE case_id = $1', [aveCase]);
    expect(row!.sheet.sharedNotes[0]!.text).toMatch(/^pd1\./);
  });
});
