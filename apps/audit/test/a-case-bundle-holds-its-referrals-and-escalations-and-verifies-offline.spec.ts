import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { escalationIdFor, escalationStreamId, referralStreamId } from '#contracts';
import { AVE_MODEL } from '#domain';
import { verifyBundle, type CaseBundle, type LedgerBundle } from '#eventstore';
import { SUBJECT_PSEUDONYMIZER, type SubjectPseudonymizer } from '#platform';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { buildProduct, type ProductBuild } from '../../../test/support/product-process.js';
import { runNode, type CommandResult } from '../../../test/support/run-node.js';
import { COORDINATOR, expectProblem, streamEvents, TABLES_APP, zvhReferral, type ScriptedCase } from '../../tables/test/support/tables-fixtures.js';
import { AUDIT_APP } from '../src/audit.app.js';
import { escalatedToThePolice } from './support/escalated-to-the-police.js';

/**
 * A case's full history is more than its own stream: what was disclosed to a table and what the table decided
 * lives in the referral's stream, what the police were told and did in the escalation's. On real PostgreSQL and
 * Kafka with the tables app beside the audit app: an AVE case referred to the ZVH casusoverleg (accepted by a
 * member) and raised to AVE 4 (escalated to the police) exports, through `GET /v1/audit/cases/{id}/bundle`, as one
 * bundle holding the case stream, the referral stream and the escalation stream under one checkpoint chain. It
 * verifies offline (`verifyBundle` and `npm run audit -- verify-bundle`); a copy with an edited referral event
 * fails with BUNDLE.HASH_MISMATCH naming that stream, one with an escalation event taken out of the middle with
 * BUNDLE.VERSION_GAP, one with a stream of something else grafted in with BUNDLE.STREAM_NOT_OF_CASE. What it
 * cannot see — the last events of a stream, or a whole related stream, left out — passes, as documented.
 */

const ENSCHEDE = 'GM0153';

let h: AppHarness;
let build: ProductBuild;
let work: string;
let auditor: string;
let c: ScriptedCase;
let referralId: string;
let escalationId: string;
let bundle: CaseBundle;

const clone = (): CaseBundle => JSON.parse(JSON.stringify(bundle));
const streamOf = (b: CaseBundle, streamId: string) => b.streams.find((s) => s.streamId === streamId)!;
const codes = (b: unknown) => verifyBundle(b).problems.map((p) => p.code);

beforeAll(async () => {
  [build, h] = await Promise.all([
    buildProduct(),
    startApp({ apps: [TABLES_APP, AUDIT_APP], env: { LEDGER_CHECKPOINT_EVERY: '5', LEDGER_CHECKPOINT_MAX_DELAY_MS: '200' } }),
  ]);
  work = await mkdtemp(path.join(tmpdir(), 'sr-case-bundle-'));
  auditor = await h.token('auditor', undefined, { subject: 'auditor-ada' });
  const zvhMember = await h.token('table-member', [ENSCHEDE], { subject: 'zvh-petra', tables: ['zvh-casusoverleg'] });

  // AVE 3, referred to the ZVH casusoverleg, accepted by a member of the table.
  ({ c, referralId } = await zvhReferral(h, ENSCHEDE));
  const accepted = await h.request('POST', `/v1/tables/zvh-casusoverleg/referrals/${referralId}/accept`, { token: zvhMember });
  expect(accepted.status).toBe(200);

  // AVE 4: the mayor is informed, which escalates to the police.
  escalationId = await escalatedToThePolice(h, c);
}, 300_000);

afterAll(async () => {
  await h?.stop();
  await build?.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

/** `npm run audit -- verify-bundle <file> …` with no database and no data folder at all: it is offline. */
function verifyBundleCli(file: string, ...args: string[]): Promise<CommandResult> {
  return runNode(build.entry('scripts/audit'), ['verify-bundle', file, ...args], { cwd: work, env: {} });
}

async function write(name: string, content: unknown): Promise<string> {
  const target = path.join(work, name);
  await writeFile(target, JSON.stringify(content, null, 2));
  return target;
}

describe('GET /v1/audit/cases/{id}/bundle', () => {
  it('holds the case stream first, then its referral stream and its escalation stream, sealed by one checkpoint chain; it verifies offline', async () => {
    const res = await h.request('GET', `/v1/audit/cases/${c.caseId}/bundle`, { token: auditor });
    expect(res.status).toBe(200);
    bundle = res.body;
    const caseStream = `case-${c.caseId}`;
    expect(bundle).toMatchObject({ format: 'signaalroute-case-bundle/1', caseId: c.caseId, exportedAt: expect.any(String), howToVerify: expect.stringMatching(/cannot prove that the case has no other related streams/) });
    expect(bundle.streams.map((s) => s.streamId)).toEqual([caseStream, referralStreamId(referralId), escalationStreamId(escalationId)]);

    // Every event of each stream, as the ledger holds them.
    for (const s of bundle.streams) expect(s.events.map((e) => e.id)).toEqual((await streamEvents(h, s.streamId)).map((e) => e.id));
    expect(streamOf(bundle, referralStreamId(referralId)).events.map((e) => e.type)).toEqual(['ReferralPublished', 'ReferralAccepted']);
    expect(streamOf(bundle, escalationStreamId(escalationId)).events[0]!.type).toBe('EscalationRaised');
    // The escalation is the one a case event raised: its id derives from that event's id.
    const raisedBy = bundle.streams[0]!.events.find((e) => escalationIdFor(e.id) === escalationId);
    expect(raisedBy).toBeDefined();
    expect(streamOf(bundle, escalationStreamId(escalationId)).events[0]!.causationId).toBe(raisedBy!.id);

    // One chain from the first checkpoint to the head; lines for every checkpoint that seals an event of the bundle.
    expect(bundle.checkpoints[0]!.seq).toBe(1);
    expect(bundle.head).toEqual({ seq: bundle.checkpoints.at(-1)!.seq, hash: bundle.checkpoints.at(-1)!.checkpointHash });
    const total = bundle.streams.reduce((n, s) => n + s.events.length, 0);
    expect(verifyBundle(bundle, [bundle.head!])).toEqual({
      ok: true,
      code: null,
      streamId: caseStream,
      caseId: c.caseId,
      events: total,
      sealedEvents: total,
      unsealedEvents: 0,
      sealedAfterAnchorEvents: 0,
      head: bundle.head,
      problems: [],
      streams: bundle.streams.map((s) => ({ streamId: s.streamId, events: s.events.length })),
    });
  });

  it('records the export in the processing log under the case', async () => {
    const ref = h.running.app.get<SubjectPseudonymizer>(SUBJECT_PSEUDONYMIZER, { strict: false }).ref(c.caseId);
    const lines = await h.query<Record<string, unknown>>("SELECT * FROM processing_log WHERE data_subject_ref = $1 AND operation = 'GET /v1/audit/cases/:id/bundle'", [ref]);
    expect(lines[0]).toMatchObject({ actor_id: 'auditor-ada', actor_role: 'auditor', processing_activity: 'audit-export', data_subject_type: 'case', status_code: 200 });
  });

  it('answers 404 CASE.NOT_FOUND for an unknown case and for any id that is no uuid; only auditors get in', async () => {
    expectProblem(await h.request('GET', `/v1/audit/cases/${randomUUID()}/bundle`, { token: auditor }), 404, 'CASE.NOT_FOUND');
    for (const id of ['nope', `case-${c.caseId}`, '-'.repeat(36), `${c.caseId}x`]) expectProblem(await h.request('GET', `/v1/audit/cases/${encodeURIComponent(id)}/bundle`, { token: auditor }), 404, 'CASE.NOT_FOUND');
    // A referral's id is no case.
    expectProblem(await h.request('GET', `/v1/audit/cases/${referralId}/bundle`, { token: auditor }), 404, 'CASE.NOT_FOUND');
    const upper = await h.request('GET', `/v1/audit/cases/${c.caseId.toUpperCase()}/bundle`, { token: auditor });
    expect((upper.body as CaseBundle).streams.map((s) => s.streamId)).toEqual(bundle.streams.map((s) => s.streamId));
    expectProblem(await h.request('GET', `/v1/audit/cases/${c.caseId}/bundle`, { token: await h.token('coordinator', [ENSCHEDE]) }), 403, 'AUTH.ROLE_NOT_ALLOWED');
    expectProblem(await h.request('GET', `/v1/audit/cases/${c.caseId}/bundle`), 401, 'AUTH.TOKEN_MISSING');
  });
});

describe('a forged case bundle, verified offline', () => {
  it('an edited event of the referral stream: BUNDLE.HASH_MISMATCH naming that stream', () => {
    const edited = clone();
    const referral = streamOf(edited, referralStreamId(referralId));
    referral.events[0]!.payload = { ...referral.events[0]!.payload, fields: ['alles'] };
    expect(verifyBundle(edited)).toMatchObject({
      ok: false,
      code: 'BUNDLE.HASH_MISMATCH',
      problems: [{ code: 'BUNDLE.HASH_MISMATCH', message: expect.stringMatching(new RegExp(`^stream referral-${referralId}, event 1 \\(position \\d+\\): content does not give its hash`)) }],
    });
  });

  it('an event taken out of the escalation stream before its last: BUNDLE.VERSION_GAP naming that stream', () => {
    const cut = clone();
    const escalation = streamOf(cut, escalationStreamId(escalationId));
    expect(escalation.events.length).toBeGreaterThanOrEqual(2);
    escalation.events.splice(0, 1);
    const result = verifyBundle(cut);
    expect(result.code).toBe('BUNDLE.VERSION_GAP');
    expect(result.problems[0]!.message).toMatch(new RegExp(`^stream escalation-${escalationId}, event 1 `));
    expect(result.problems.map((p) => p.code)).toContain('BUNDLE.PREV_HASH_MISMATCH');
  });

  it('a stream the case did not open, grafted in with its valid proofs: BUNDLE.STREAM_NOT_OF_CASE', async () => {
    // The stream of one of the case's signals: genuine, sealed, in the same chain — but no referral or escalation of this case.
    const signalStream = `signal-${(bundle.streams[0]!.events[0]!.payload as { signalIds: string[] }).signalIds[0]}`;
    const res = await h.request('GET', `/v1/audit/streams/${signalStream}/bundle`, { token: auditor });
    expect(res.status).toBe(200);
    const other: LedgerBundle = res.body;
    const grafted = clone();
    grafted.streams.push({ streamId: other.streamId, events: other.events });
    // The signal bundle's chain is the case bundle's and newer; each checkpoint keeps the lines either bundle brought.
    grafted.checkpoints = other.checkpoints.map((cp) => ({ ...cp, lines: cp.lines ?? bundle.checkpoints.find((x) => x.seq === cp.seq)?.lines }));
    expect(verifyBundle(grafted).problems).toEqual([{ code: 'BUNDLE.STREAM_NOT_OF_CASE', message: expect.stringMatching(new RegExp(`^stream ${signalStream}: not named by the case's own events`)) }]);
  });

  it('cannot see what was left out at the end: the escalation stream without its last event, or without the escalation stream at all, still verifies', () => {
    const tail = clone();
    streamOf(tail, escalationStreamId(escalationId)).events.pop();
    expect(verifyBundle(tail)).toMatchObject({ ok: true });
    const without = clone();
    without.streams = without.streams.filter((s) => s.streamId !== escalationStreamId(escalationId));
    expect(verifyBundle(without)).toMatchObject({ ok: true });
    // But the case stream must come first, and a stream may appear only once.
    const reordered = clone();
    reordered.streams.reverse();
    expect(codes(reordered)).toEqual(['BUNDLE.MALFORMED']);
    const twice = clone();
    twice.streams.push(twice.streams[1]!);
    expect(codes(twice)).toEqual(['BUNDLE.MALFORMED']);
  });
});

describe('npm run audit -- verify-bundle <case bundle>', () => {
  it('exits 0 on the exported case bundle, naming the case and its streams', async () => {
    const file = await write('case.json', bundle);
    const run = await verifyBundleCli(file, '--anchor', `${bundle.head!.seq}:${bundle.head!.hash}`);
    const total = bundle.streams.reduce((n, s) => n + s.events.length, 0);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.stringContaining(`bundle verified: case ${c.caseId}, ${total} events in 3 streams (${total} sealed by checkpoints, 0 after the newest checkpoint)`) });
    for (const s of bundle.streams) expect(run.stderr).toContain(`  ${s.streamId}: ${s.events.length} events`);
    const json = await verifyBundleCli(file, '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, code: null, caseId: c.caseId, events: total, problems: [] });
  });

  it('exits 1 with BUNDLE.HASH_MISMATCH for the copy with an edited referral event, naming the stream', async () => {
    const edited = clone();
    const referral = streamOf(edited, referralStreamId(referralId));
    referral.events[1]!.payload = { ...referral.events[1]!.payload, decidedBy: { id: 'iemand-anders', role: 'table-member' } };
    const target = await write('case-edited.json', edited);
    const run = await verifyBundleCli(target);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(new RegExp(`^BUNDLE INVALID: 1 problem\\(s\\); first: BUNDLE\\.HASH_MISMATCH: stream referral-${referralId}, event 2 \\(position \\d+\\): content does not give its hash`, 'm'));
    const json = await verifyBundleCli(target, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, code: 'BUNDLE.HASH_MISMATCH', caseId: c.caseId, problems: [{ code: 'BUNDLE.HASH_MISMATCH' }] });
  });
});
