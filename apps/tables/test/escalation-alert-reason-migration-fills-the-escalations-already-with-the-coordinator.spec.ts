import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TypeOrmDatabase } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { AddEscalationAlertReason1764900014000 } from '../src/liaison/escalation-alert-reason.migration.js';
import { TABLES_MIGRATIONS } from '../src/tables.migrations.js';

/**
 * The migration that adds why an escalation reached the coordinator (`alert_reason`) fills it in for the escalations
 * already there, from their feed, as the liaison feed projection folds their events: an escalation raised
 * `undelivered` is `municipality-not-served`, any other the coordinator was alerted for `tiers-exhausted` (also when a
 * liaison acknowledged it late), one still waiting for a liaison null. Undone, the column is gone.
 */

let t: TestDatabase;
let upgraded: TypeOrmDatabase;
const ENSCHEDE = 'GM0153';
const AMSTERDAM = 'GM0363';
const before = TABLES_MIGRATIONS.filter((m) => m !== AddEscalationAlertReason1764900014000);
const escalations = { open: randomUUID(), exhausted: randomUUID(), acknowledgedLate: randomUUID(), undelivered: randomUUID() };

/** An escalation row with `status` and its feed: the types of its steps, the raise's data first. */
async function escalation(id: string, municipality: string, status: string, raised: Record<string, unknown>, types: string[]): Promise<void> {
  await t.db.query(
    `INSERT INTO liaison_escalations (escalation_id, case_id, municipality, case_type, trigger, policy_id, tiers, status, tier_index, attempt, raised_at, updated_at, summary, version)
     VALUES ($1, $2, $3, 'ave', '{}', NULL, '[]', $4, 0, 0, now(), now(), '{}', $5)`,
    [id, randomUUID(), municipality, status, types.length + 1],
  );
  for (const [i, type] of ['EscalationRaised', ...types].entries()) {
    await t.db.query(`INSERT INTO liaison_feed (event_id, escalation_id, municipality, type, data, at) VALUES ($1, $2, $3, $4, $5, now())`, [
      randomUUID(),
      id,
      municipality,
      type,
      JSON.stringify(i === 0 ? raised : {}),
    ]);
  }
}

beforeAll(async () => {
  t = await createTestDatabase({ migrations: before });
  await escalation(escalations.open, ENSCHEDE, 'open', { tiers: [] }, ['EscalationTierNotified']);
  await escalation(escalations.exhausted, ENSCHEDE, 'coordinator-alerted', { tiers: [] }, ['EscalationTierNotified', 'EscalationAckTimedOut', 'EscalationCoordinatorAlerted']);
  await escalation(escalations.acknowledgedLate, ENSCHEDE, 'acknowledged', { tiers: [] }, ['EscalationTierNotified', 'EscalationAckTimedOut', 'EscalationCoordinatorAlerted', 'EscalationAcknowledged']);
  await escalation(escalations.undelivered, AMSTERDAM, 'coordinator-alerted', { tiers: [], undelivered: 'municipality-not-served' }, ['EscalationCoordinatorAlerted']);
  upgraded = await TypeOrmDatabase.open({ databaseUrl: t.url!, migrations: TABLES_MIGRATIONS });
  await upgraded.migrate();
}, 60_000);

afterAll(async () => {
  await upgraded?.close();
  await t?.drop();
});

describe('migration AddEscalationAlertReason', () => {
  it('gives each escalation already with the coordinator its reason, and none to one waiting for a liaison', async () => {
    const reasons = Object.fromEntries(
      (await upgraded.query<{ escalation_id: string; alert_reason: string | null }>('SELECT escalation_id, alert_reason FROM liaison_escalations')).rows.map((r) => [r.escalation_id, r.alert_reason]),
    );
    expect(reasons).toEqual({
      [escalations.open]: null,
      [escalations.exhausted]: 'tiers-exhausted',
      [escalations.acknowledgedLate]: 'tiers-exhausted',
      [escalations.undelivered]: 'municipality-not-served',
    });
  });

  it('undone, drops the column', async () => {
    await upgraded.dataSource.undoLastMigration({ transaction: 'each' });
    const columns = await upgraded.query(`SELECT 1 FROM information_schema.columns WHERE table_name = 'liaison_escalations' AND column_name = 'alert_reason'`);
    expect(columns.rows).toEqual([]);
  });
});
