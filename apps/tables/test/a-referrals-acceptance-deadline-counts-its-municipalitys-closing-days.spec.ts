import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AVE_MODEL, BUILT_IN_TABLES_CONFIG, type TablesConfig } from '#domain';
import { ProjectionReplayer, type Database } from '#eventstore';
import { DATABASE } from '#platform';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { twoMunicipalities } from '../../intake/test/support/intake-fixtures.js';
import { referralRegisterProjection } from '../src/referrals/referral-register.projection.js';
import { appendSignals, COORDINATOR, registered, ScriptedCase, streamEvents, TABLES_APP } from './support/tables-fixtures.js';

/**
 * On real PostgreSQL and Kafka: a table's acceptance deadline in working days (the ZVH casusoverleg: 5, with a
 * reminder 1 working day ahead) counts the closing days the referring case's municipality lists in the regional
 * configuration (`calendars` in TABLES_CONFIG_FILE). Two cases referred on Monday 22 December 2025: in the
 * municipality closed on Wednesday 31 December the table has one working day more (New Year's Day is a holiday for
 * both). The deadline goes out with the referral and into the register as computed then; a replay of the register
 * with the same configuration gives the same reminder moment.
 */

let h: AppHarness;
let inOpen: Awaited<ReturnType<typeof referredOn22December>>;
let inClosed: Awaited<ReturnType<typeof referredOn22December>>;
const [closed, open] = twoMunicipalities();
/** Monday 22 December 2025, 10:00 in the Netherlands. */
const REFERRED_AT = new Date('2025-12-22T09:00:00.000Z');
const config: TablesConfig = {
  ...BUILT_IN_TABLES_CONFIG,
  tables: BUILT_IN_TABLES_CONFIG.tables.map((t) => ({ ...t, municipalities: [...t.municipalities, closed, open] })),
  calendars: [{ municipality: closed, closingDays: ['2025-12-31'] }],
};

beforeAll(async () => {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'sr-calendars-')), 'tables.json');
  await writeFile(file, JSON.stringify(config));
  h = await startApp({ apps: [TABLES_APP], env: { TABLES_CONFIG_FILE: file } });
  inOpen = await referredOn22December(open);
  inClosed = await referredOn22December(closed);
});

afterAll(async () => {
  await h?.stop();
});

/** An AVE case of `municipality` in AVE 3, referred to the ZVH casusoverleg on 22 December 2025; its register row and published referral. */
async function referredOn22December(municipality: string) {
  const c = new ScriptedCase(h, municipality);
  await c.open(AVE_MODEL, (await appendSignals(h, municipality)).ids);
  await c.walkTo(AVE_MODEL, 'ave-3');
  const [referred] = await c.run({ type: 'ReferToTable', table: 'zvh-casusoverleg', reason: 'Meerdere leefgebieden', actor: COORDINATOR }, [], REFERRED_AT);
  if (referred?.type !== 'CaseReferred') throw new Error('not referred');
  const row = await registered(h, referred.referralId);
  const [published] = await streamEvents(h, `referral-${referred.referralId}`);
  expect(published).toMatchObject({ type: 'ReferralPublished', payload: { municipality, referredAt: REFERRED_AT.toISOString() } });
  return { row, published: published!.payload as { acceptBy: string } };
}

describe("a referral's acceptance deadline counts the municipality's closing days", () => {
  it('is one working day later where 31 December is a closing day, in the published referral and in the register', async () => {
    // 23, 24, 29, 30, 31 December: accept by the end of 31 December, reminded at its start.
    expect(inOpen.published.acceptBy).toBe('2025-12-31T23:00:00.000Z');
    expect({ acceptBy: inOpen.row.accept_by.toISOString(), remindAt: inOpen.row.remind_at.toISOString() }).toEqual({ acceptBy: '2025-12-31T23:00:00.000Z', remindAt: '2025-12-30T23:00:00.000Z' });
    // 31 December closed, 1 January a holiday: accept by the end of Friday 2 January, reminded at its start.
    expect(inClosed.published.acceptBy).toBe('2026-01-02T23:00:00.000Z');
    expect({ acceptBy: inClosed.row.accept_by.toISOString(), remindAt: inClosed.row.remind_at.toISOString() }).toEqual({ acceptBy: '2026-01-02T23:00:00.000Z', remindAt: '2026-01-01T23:00:00.000Z' });
  });

  it('a replay of the register with the same configuration recomputes the same reminder moments', async () => {
    const replayer = new ProjectionReplayer(h.running.app.get<symbol, Database>(DATABASE, { strict: false }), [referralRegisterProjection(() => config)]);
    const report = await waitFor(async () => {
      const r = await replayer.replay('table-referrals');
      return r.identical ? r : undefined;
    }, { what: 'the replay of table-referrals to reach the live register', timeoutMs: 30_000 });
    expect(report.eventsRead).toBeGreaterThan(0);
    // The live row the replay matched holds the reminder computed with the closing day.
    expect(inClosed.row.remind_at.toISOString()).toBe('2026-01-01T23:00:00.000Z');
  });
});
