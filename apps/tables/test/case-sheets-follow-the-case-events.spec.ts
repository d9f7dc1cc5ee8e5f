import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS } from '#contracts';
import { BUILT_IN_MODELS, evolveCaseSheet, type CaseEvent, type CaseSheet } from '#domain';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { appendSignals, COORDINATOR, ScriptedCase, TABLES_APP, tag } from './support/tables-fixtures.js';

/**
 * The tables app keeps a sheet per case from the case events. A lone event that sets fields outright (a case
 * opened, moved, closed) is claimed and written in one statement without reading the sheet; the others are read,
 * evolved and written in a transaction. Either way the stored sheet must be what `evolveCaseSheet` makes of the
 * events, and a redelivered old event must not move it back.
 */

let h: AppHarness;
const ENSCHEDE = 'GM0153';

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP] });
});

afterAll(async () => {
  await h?.stop();
});

const asCaseEvents = (c: ScriptedCase): CaseEvent[] => c.appended.map((e) => ({ ...e.payload, type: e.type }) as unknown as CaseEvent);
const expectedSheet = (c: ScriptedCase): CaseSheet | null => asCaseEvents(c).reduce<CaseSheet | null>((sheet, event) => evolveCaseSheet(sheet, event), null);

async function storedSheetOnce(c: ScriptedCase, ready: (sheet: CaseSheet) => boolean): Promise<CaseSheet> {
  return waitFor(
    async () => {
      const [row] = await h.query<{ sheet: CaseSheet | string }>('SELECT sheet FROM tables_case_sheets WHERE case_id = $1', [c.caseId]);
      const sheet = typeof row?.sheet === 'string' ? (JSON.parse(row.sheet) as CaseSheet) : row?.sheet;
      return sheet && ready(sheet) ? sheet : undefined;
    },
    { what: `the sheet of case ${c.caseId}` },
  );
}

const hasNote = (marker: string) => (sheet: CaseSheet) => sheet.sharedNotes.some((n) => n.text === marker);

describe('the tables app’s case sheet', () => {
  it('is what the case events make of it, through transitions, hand-overs, notes and closing', async () => {
    const model = BUILT_IN_MODELS.find((m) => m.id === 'ave')!;
    const signals = await appendSignals(h, ENSCHEDE);
    const c = new ScriptedCase(h, ENSCHEDE);
    await c.open(model, signals.ids);
    await c.walkTo(model, 'ave-3');
    await c.run({ type: 'TakeTransition', transition: 'afschalen-ave-2', reason: 'Situatie stabiel', actor: COORDINATOR });
    await c.run({ type: 'HandOverRegie', responsibility: 'procesregie', holder: 'zvh', reason: 'ZVH neemt over', actor: COORDINATOR });
    const marker = `Markering ${tag()}`;
    await c.note(marker, 'deelbaar');
    await c.run({ type: 'TakeTransition', transition: 'afsluiten', reason: 'Doelen bereikt', actor: COORDINATOR });
    expect(asCaseEvents(c).map((e) => e.type)).toEqual(expect.arrayContaining(['CaseOpened', 'CaseTransitioned', 'RegieHandedOver', 'CaseNoteAdded', 'CaseClosed']));
    const stored = await storedSheetOnce(c, (sheet) => sheet.closed && hasNote(marker)(sheet));
    expect(stored).toEqual(expectedSheet(c));
  });

  it('does not move back when an old transition is delivered again after later events', async () => {
    const model = BUILT_IN_MODELS.find((m) => m.id === 'ave')!;
    const signals = await appendSignals(h, ENSCHEDE);
    const c = new ScriptedCase(h, ENSCHEDE);
    await c.open(model, signals.ids);
    await c.walkTo(model, 'ave-3');
    await storedSheetOnce(c, (sheet) => sheet.state === 'ave-3');
    const firstMove = c.appended.find((e) => e.type === 'CaseTransitioned')!;
    await h.produce(TOPICS.cases, [{ key: `case-${c.caseId}`, value: JSON.stringify(firstMove) }]);
    const marker = `Markering ${tag()}`;
    await c.note(marker, 'deelbaar');
    const stored = await storedSheetOnce(c, hasNote(marker));
    expect(stored.state).toBe('ave-3');
    expect(stored).toEqual(expectedSheet(c));
  });
});
