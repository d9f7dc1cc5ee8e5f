import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NewEvent } from '#contracts';
import { EventStore, TypeOrmDatabase } from '#eventstore';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { CreateReferralCaseLinks1764900010000 } from '../src/referrals/referral-case-links.migration.js';
import { ROUTER_MIGRATIONS } from '../src/router.migrations.js';

/**
 * Table members reach a case only through their referral, and `referral_case_links` leads a referral to its case.
 * Referrals made before the table existed are found by the migration that creates it, from the `CaseReferred`
 * events of the ledger: every one of them, and nothing else.
 */

const BEFORE = ROUTER_MIGRATIONS.filter((m) => m !== CreateReferralCaseLinks1764900010000);
let t: TestDatabase;
let upgraded: TypeOrmDatabase;
const [caseA, caseB] = [randomUUID(), randomUUID()];
const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];

const event = (type: string, payload: Record<string, unknown>): NewEvent => ({
  id: randomUUID(),
  type,
  version: 1,
  occurredAt: new Date().toISOString(),
  municipality: 'GM0153',
  actor: { id: 'coordinator-anna', role: 'coordinator' },
  correlationId: randomUUID(),
  processingActivity: 'casusregie',
  legalBasis: 'AVG art. 6(1)(e)',
  payload,
});
const referred = (caseId: string, referralId: string, table: string) =>
  event('CaseReferred', { caseId, referralId, table, state: 'riec', reason: 'pd1.sealed', actor: { id: 'coordinator-anna', role: 'coordinator' }, at: new Date().toISOString() });

beforeAll(async () => {
  t = await createTestDatabase({ migrations: BEFORE });
  const store = new EventStore(t.db);
  await store.append(`case-${caseA}`, 0, [event('CaseOpened', { caseId: caseA }), referred(caseA, first, 'riec'), referred(caseA, second, 'lokale-ondermijningstafel')]);
  await store.append(`case-${caseB}`, 0, [referred(caseB, third, 'zvh-casusoverleg')]);
  // A payload that is not a referral of ours (no uuid) is left alone rather than failing the migration.
  await store.append(`case-${randomUUID()}`, 0, [event('CaseReferred', { caseId: 'not-a-uuid', referralId: 'neither' })]);
  upgraded = await TypeOrmDatabase.open({ databaseUrl: t.url!, migrations: ROUTER_MIGRATIONS });
  await upgraded.migrate();
});

afterAll(async () => {
  await upgraded?.close();
  await t?.drop();
});

describe('migration CreateReferralCaseLinks', () => {
  it('links every referral recorded before it to its case', async () => {
    const links = (await upgraded.query<{ referral_id: string; case_id: string }>('SELECT referral_id, case_id FROM referral_case_links')).rows;
    expect(links).toEqual(
      expect.arrayContaining([
        { referral_id: first, case_id: caseA },
        { referral_id: second, case_id: caseA },
        { referral_id: third, case_id: caseB },
      ]),
    );
    expect(links).toHaveLength(3);
  });
});
