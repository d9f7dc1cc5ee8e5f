import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { escalationIdFor, escalationStreamId, referralStreamId } from '#contracts';
import { AVE_MODEL } from '#domain';
import type { LedgerBundle } from '#eventstore';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { readToTheEnd } from '../../../test/support/audit-list-pages.js';
import { appendSignals, COORDINATOR, registered, ScriptedCase, storeOf, TABLES_APP } from '../../tables/test/support/tables-fixtures.js';
import { AUDIT_APP } from '../src/audit.app.js';
import { escalatedToThePolice } from './support/escalated-to-the-police.js';

/**
 * "Who read this person's data" must find an auditor's export of a referral or an escalation stream: those streams
 * hold the minimised case a table or the police received (names, addresses). `GET /v1/audit/streams/{streamId}/bundle`
 * of `referral-<id>` or `escalation-<id>` is logged under the stream's id, and also under the case it belongs to and
 * the person that case is about, as the case bundle (which holds those streams) and a case stream's export are, so
 * `GET /v1/audit/processing-log?subject=<caseId>` and `?subject=<person>` list it. Before, it was logged under the
 * stream's own id only, and neither search found it. The case is the one the ledger relates the stream to — the case
 * event that caused the stream's first event and names the stream (`caseRelatedStreams`, as `verify-bundle` checks
 * in a case bundle) — so a stream whose first event merely points at a case event that does not name it is logged
 * under its own id alone. Real PostgreSQL and Kafka, the tables and audit apps.
 */

const ENSCHEDE = 'GM0153';

let h: AppHarness;
let auditor: string;
let c: ScriptedCase;
const personId = randomUUID();
let referralId: string;
let escalationId: string;

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP, AUDIT_APP] });
  auditor = await h.token('auditor', undefined, { subject: 'auditor-ada' });

  // An AVE case about a registered person, referred to the ZVH casusoverleg at AVE 3 and escalated to the police at AVE 4.
  const signals = await appendSignals(h, ENSCHEDE);
  c = new ScriptedCase(h, ENSCHEDE);
  await c.run({ type: 'OpenCase', caseId: c.caseId, municipality: ENSCHEDE, model: AVE_MODEL, signalIds: signals.ids, subjectId: personId, actor: COORDINATOR });
  await c.walkTo(AVE_MODEL, 'ave-3');
  referralId = await c.refer('zvh-casusoverleg', 'Meerdere leefgebieden');
  await registered(h, referralId);
  escalationId = await escalatedToThePolice(h, c);
}, 300_000);

afterAll(async () => {
  await h?.stop();
});

type Line = { operation: string; processingActivity: string; dataSubjectType: string; actorId: string; statusCode: number; traceId: string };

/** The stream-export lines the processing log answers for `subject`, all pages (also those held back a moment). */
async function exportsLoggedUnder(subject: string): Promise<Line[]> {
  const lines = (await readToTheEnd<Line>(h, `/v1/audit/processing-log?subject=${subject}&limit=200`, auditor)).items;
  return lines.filter((l) => l.operation === 'GET /v1/audit/streams/:streamId/bundle');
}

const exported = { processingActivity: 'audit-export', actorId: 'auditor-ada', statusCode: 200 };

describe('GET /v1/audit/streams/{referral|escalation stream}/bundle in the processing log', () => {
  it('logs the export of a referral stream under the referral, its case and the person the case is about', async () => {
    const res = await h.request('GET', `/v1/audit/streams/${referralStreamId(referralId)}/bundle`, { token: auditor });
    expect(res.status).toBe(200);
    expect((res.body as LedgerBundle).events[0]).toMatchObject({ streamId: referralStreamId(referralId), type: 'ReferralPublished' });

    const [byReferral, byCase, byPerson] = [await exportsLoggedUnder(referralId), await exportsLoggedUnder(c.caseId), await exportsLoggedUnder(personId)];
    expect(byReferral).toEqual([expect.objectContaining({ ...exported, dataSubjectType: 'stream' })]);
    expect(byCase).toEqual([expect.objectContaining({ ...exported, dataSubjectType: 'case' })]);
    expect(byPerson).toEqual([expect.objectContaining({ ...exported, dataSubjectType: 'subject' })]);
    // One call, three lines.
    expect(new Set([byReferral, byCase, byPerson].map((l) => l[0]!.traceId)).size).toBe(1);
  });

  it('logs the export of an escalation stream under the escalation, its case and the person the case is about', async () => {
    const stream = escalationStreamId(escalationId);
    const res = await h.request('GET', `/v1/audit/streams/${stream.toUpperCase().replace(/^ESCALATION-/, 'escalation-')}/bundle`, { token: auditor });
    expect(res.status).toBe(200);
    expect((res.body as LedgerBundle).events[0]).toMatchObject({ streamId: stream, type: 'EscalationRaised' });

    const [byEscalation, byCase, byPerson] = [await exportsLoggedUnder(escalationId), await exportsLoggedUnder(c.caseId), await exportsLoggedUnder(personId)];
    expect(byEscalation).toEqual([expect.objectContaining({ ...exported, dataSubjectType: 'stream' })]);
    // The referral's export before, and now the escalation's.
    expect(byCase).toEqual([expect.objectContaining({ ...exported, dataSubjectType: 'case' }), expect.objectContaining({ ...exported, dataSubjectType: 'case', traceId: byEscalation[0]!.traceId })]);
    expect(byPerson).toEqual([expect.objectContaining({ ...exported, dataSubjectType: 'subject' }), expect.objectContaining({ ...exported, dataSubjectType: 'subject', traceId: byEscalation[0]!.traceId })]);
  });

  it('does not log under a case a stream whose first event points at a case event that does not name it', async () => {
    const opened = c.appended[0]!;
    expect(opened.type).toBe('CaseOpened');
    const caseLines = (await exportsLoggedUnder(c.caseId)).length;
    // A referral stream "caused" by the case's CaseOpened (which names no referral), and the escalation stream
    // CaseOpened would raise, "caused" by another case event: neither is part of the case.
    const strayReferral = referralStreamId(randomUUID());
    const strayEscalation = escalationStreamId(escalationIdFor(opened.id));
    const forged = (type: string, causationId: string) => ({
      id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), municipality: ENSCHEDE, actor: { id: 'tables-system', role: 'system' as never },
      correlationId: randomUUID(), causationId, processingActivity: 'casusoverleg', legalBasis: 'AVG art. 6(1)(e)', payload: { note: 'not of this case' },
    });
    await storeOf(h).append(strayReferral, 0, [forged('ReferralPublished', opened.id)]);
    await storeOf(h).append(strayEscalation, 0, [forged('EscalationRaised', c.appended.at(-1)!.id)]);

    for (const stream of [strayReferral, strayEscalation]) {
      const res = await h.request('GET', `/v1/audit/streams/${stream}/bundle`, { token: auditor });
      expect(res.status).toBe(200);
      expect(await exportsLoggedUnder(stream.replace(/^[a-z]+-/, ''))).toEqual([expect.objectContaining({ ...exported, dataSubjectType: 'stream' })]);
    }
    expect(await exportsLoggedUnder(c.caseId)).toHaveLength(caseLines);
  });

  it('logs a failed export of a referral stream under the referral', async () => {
    const unknown = randomUUID();
    const res = await h.request('GET', `/v1/audit/streams/${referralStreamId(unknown)}/bundle`, { token: auditor });
    expect(res.status).toBe(404);
    expect(await exportsLoggedUnder(unknown)).toEqual([expect.objectContaining({ processingActivity: 'audit-export', dataSubjectType: 'stream', statusCode: 404 })]);
  });
});
