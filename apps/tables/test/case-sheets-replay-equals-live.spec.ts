import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AVE_MODEL, type CaseSheet, type SignalFacts } from '#domain';
import { startApp, waitFor, type AppHarness, type HarnessResponse } from '../../../test/support/app-harness.js';
import { AUDIT_APP } from '../../audit/src/audit.app.js';
import { CASE_SHEETS_PROJECTION } from '../src/case-events/case-sheets.projection.js';
import { appendSignals, BSN, COORDINATOR, ScriptedCase, streamEvents, TABLES_APP, tag, zvhReferral } from './support/tables-fixtures.js';

/**
 * What the tables app knows of cases and signals (`tables_case_sheets`, `tables_signal_facts`: the input from
 * which it decides what is disclosed to tables and the police) is rebuilt from position 0 of the event log, on
 * real PostgreSQL and Kafka, and must be hash-identical to the live tables its consumer fed over Kafka; a
 * tampered live case sheet must show up as exactly that difference, and a blue-green switch restores it while
 * the consumer keeps writing into the switched-in tables. Asked over `POST /v1/audit/replay`, so the projection
 * is also proven registered with the tables app.
 */

let h: AppHarness;
let auditor: string;
let admin: string;
const ENSCHEDE = 'GM0153';
const PROJECTION = CASE_SHEETS_PROJECTION.name;
let walked: ScriptedCase;
let closed: ScriptedCase;
let referred: ScriptedCase;
let signalCount = 0;
let noteMarker = '';

interface TableBody {
  table: string;
  liveRows: number;
  replayRows: number;
  liveHash: string;
  replayHash: string;
  identical: boolean;
  differenceCount: number;
  differences: { key: Record<string, unknown>; kind: string; columns: string[]; live: Record<string, any> | null; replay: Record<string, any> | null }[];
  ignoredColumns: Record<string, string>;
}

const replay = (body: Record<string, unknown> = {}, token = auditor): Promise<HarnessResponse> => h.request('POST', '/v1/audit/replay', { token, body: { projection: PROJECTION, ...body } });
const tableOf = (res: HarnessResponse, name: string): TableBody => (res.body.tables as TableBody[]).find((t) => t.table === name)!;
const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

async function sheetOf(caseId: string): Promise<CaseSheet | undefined> {
  const [row] = await h.query<{ sheet: unknown }>('SELECT sheet FROM tables_case_sheets WHERE case_id = $1', [caseId]);
  return row ? parse<CaseSheet>(row.sheet) : undefined;
}

/**
 * The live tables are fed over Kafka (both topics, partitions side by side) and the replay reads only below the oldest
 * transaction in flight on the server: poll until the replay reaches the live tables. A real divergence never
 * converges, and fails naming its differences.
 */
async function replayConverges(): Promise<HarnessResponse> {
  let last: HarnessResponse | undefined;
  try {
    await waitFor(async () => (last = await replay()).status === 200 && last.body.identical === true, { what: `the replay of ${PROJECTION} identical to the live tables`, timeoutMs: 30_000 });
  } catch (error) {
    throw new Error(`the replay of ${PROJECTION} never became identical: ${JSON.stringify(last?.body?.tables?.map((t: TableBody) => ({ table: t.table, differences: t.differences })))}`, { cause: error });
  }
  return last!;
}

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP, AUDIT_APP] });
  auditor = await h.token('auditor', undefined, { subject: 'auditor-ada' });
  admin = await h.token('admin', undefined, { subject: 'admin-bea' });

  // A case walked up and down, its regie handed over, a shared (sealed) and an internal note, a signal added later.
  const first = await appendSignals(h, ENSCHEDE);
  const later = await appendSignals(h, ENSCHEDE);
  walked = new ScriptedCase(h, ENSCHEDE);
  await walked.open(AVE_MODEL, first.ids);
  await walked.walkTo(AVE_MODEL, 'ave-3');
  await walked.run({ type: 'TakeTransition', transition: 'afschalen-ave-2', reason: 'Situatie stabiel', actor: COORDINATOR });
  await walked.run({ type: 'HandOverRegie', responsibility: 'procesregie', holder: 'zvh', reason: 'ZVH neemt over', actor: COORDINATOR });
  await walked.run({ type: 'AddSignal', signalId: later.ids[0]!, actor: COORDINATOR });
  noteMarker = `Gedeeld ${tag()}`;
  await walked.sealedNote(noteMarker, 'deelbaar');
  await walked.note(`Intern ${tag()}`, 'intern');

  // A case opened and closed straight away (the consumer's one-statement path for each event).
  closed = new ScriptedCase(h, ENSCHEDE);
  await closed.open(AVE_MODEL, (await appendSignals(h, ENSCHEDE)).ids);
  await closed.run({ type: 'TakeTransition', transition: 'afsluiten', reason: 'Geen zorgen meer', actor: COORDINATOR });

  // A case referred to the ZVH casusoverleg (a referral is published from the sheet and the facts).
  referred = (await zvhReferral(h, ENSCHEDE)).c;
  signalCount = 4 * 3;

  await waitFor(async () => (await sheetOf(walked.caseId))?.sharedNotes.length === 1 && (await sheetOf(closed.caseId))?.closed === true, { what: 'the live sheets' });
  await replayConverges();
}, 150_000);

afterAll(async () => {
  await h?.stop();
});

describe(`replay of ${PROJECTION}`, () => {
  it('is registered with the tables app: the audit API lists it with both tables', async () => {
    const res = await h.request('GET', '/v1/audit/projections', { token: auditor });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ name: PROJECTION, tables: ['tables_signal_facts', 'tables_case_sheets'] })]));
  });

  it('rebuilds the signal facts and the case sheets from position 0 hash-identical to the live tables', async () => {
    const res = await replay();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ projection: PROJECTION, identical: true, switched: null, keptTables: null });
    expect(res.body.eventsRead).toBeGreaterThan(0);
    for (const table of res.body.tables as TableBody[]) {
      expect({ table: table.table, identical: table.identical, differences: table.differences }).toEqual({ table: table.table, identical: true, differences: [] });
      expect(table.replayHash).toBe(table.liveHash);
      expect(table.replayRows).toBe(table.liveRows);
    }
    expect(tableOf(res, 'tables_signal_facts')).toMatchObject({ liveRows: signalCount, ignoredColumns: { recorded_at: expect.stringContaining('now()') } });
    expect(tableOf(res, 'tables_case_sheets')).toMatchObject({ liveRows: 3, ignoredColumns: { updated_at: expect.stringContaining('now()') } });
    // A comparison leaves nothing behind.
    expect(await h.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 'tables\\_%\\_replay\\_%'")).toEqual([]);
  });

  it('compares sealed values as the events carry them: copied, never opened or sealed again, and no BSN kept', async () => {
    const sheet = (await sheetOf(walked.caseId))!;
    expect(sheet).toMatchObject({ state: 'ave-2', closed: false, responsibilities: expect.objectContaining({ procesregie: 'zvh' }) });
    expect(sheet.signalIds).toHaveLength(4);
    const [noteEvent] = (await streamEvents(h, `case-${walked.caseId}`)).filter((e) => e.type === 'CaseNoteAdded' && e.payload.visibility === 'deelbaar');
    expect(sheet.sharedNotes).toEqual([{ text: noteEvent!.payload.text, at: noteEvent!.payload.at }]);
    expect(sheet.sharedNotes[0]!.text).toMatch(/^pd1\./);

    const rows = await h.query<{ signal_id: string; facts: unknown }>('SELECT signal_id, facts FROM tables_signal_facts');
    expect(rows).toHaveLength(signalCount);
    for (const row of rows) {
      const facts = parse<SignalFacts>(row.facts);
      const [received] = await streamEvents(h, `signal-${row.signal_id}`);
      const p = received!.payload as Record<string, any>;
      if (facts.source === 'zorgmelding') expect(facts).toMatchObject({ subjectName: p.subject.name, concern: p.concern });
      else expect(facts.description).toBe(p.description);
      expect(JSON.stringify(facts)).not.toContain(BSN);
      expect(JSON.stringify(facts)).not.toContain('reporterRef');
    }
  });

  it('reports a tampered live case sheet as exactly that difference, with the live and the replayed value', async () => {
    await h.query(`UPDATE tables_case_sheets SET sheet = jsonb_set(sheet, '{state}', '"ave-4"'), updated_at = now() - interval '1 day' WHERE case_id = $1`, [walked.caseId]);
    const res = await replay();
    expect(res.status).toBe(200);
    expect(res.body.identical).toBe(false);
    expect(tableOf(res, 'tables_signal_facts')).toMatchObject({ identical: true, differenceCount: 0 });
    const sheets = tableOf(res, 'tables_case_sheets');
    expect(sheets).toMatchObject({ identical: false, differenceCount: 1, liveRows: 3, replayRows: 3 });
    expect(sheets.liveHash).not.toBe(sheets.replayHash);
    // The wall-clock column that was changed too is not compared: only the sheet differs.
    expect(sheets.differences).toEqual([{ key: { case_id: walked.caseId }, kind: 'different', columns: ['sheet'], live: expect.any(Object), replay: expect.any(Object) }]);
    expect(sheets.differences[0]!.live!.sheet.state).toBe('ave-4');
    expect(sheets.differences[0]!.replay!.sheet.state).toBe('ave-2');
    expect({ ...sheets.differences[0]!.live!.sheet, state: 'ave-2' }).toEqual(sheets.differences[0]!.replay!.sheet);
  });

  it('reports a deleted signal fact as missing in the live table', async () => {
    const signalId = (await sheetOf(referred.caseId))!.signalIds[0]!;
    await h.query('DELETE FROM tables_signal_facts WHERE signal_id = $1', [signalId]);
    const facts = tableOf(await replay(), 'tables_signal_facts');
    expect(facts).toMatchObject({ identical: false, differenceCount: 1, differences: [{ key: { signal_id: signalId }, kind: 'missing-in-live', live: null }] });
  });

  it('switches the rebuilt tables in (admin), restoring both, and the consumer keeps writing into them', async () => {
    const res = await replay({ switch: true }, admin);
    expect(res.status).toBe(200);
    expect(res.body.switched.previousTables).toEqual({
      tables_signal_facts: expect.stringMatching(/^tables_signal_facts_previous_/),
      tables_case_sheets: expect.stringMatching(/^tables_case_sheets_previous_/),
    });
    expect((await sheetOf(walked.caseId))?.state).toBe('ave-2');
    expect(await h.query('SELECT count(*)::int AS n FROM tables_signal_facts')).toEqual([{ n: signalCount }]);

    const marker = `Na de wissel ${tag()}`;
    await walked.note(marker, 'deelbaar');
    await walked.run({ type: 'TakeTransition', transition: 'afsluiten', reason: 'Doelen bereikt', actor: COORDINATOR });
    await waitFor(async () => {
      const sheet = await sheetOf(walked.caseId);
      return sheet?.closed === true && sheet.sharedNotes.some((n) => n.text === marker);
    }, { what: 'the consumer writing into the switched-in sheets' });
    await replayConverges();
    expect(await h.query(`SELECT tablename FROM pg_tables WHERE tablename LIKE 'tables\\_%\\_previous\\_%' ORDER BY 1`)).toHaveLength(2);
  });
});
