import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventHash, verifyBundle, type LedgerBundle } from '#eventstore';
import { startApp, waitFor, type AppHarness, type HarnessResponse } from '../../../test/support/app-harness.js';
import { readToTheEnd } from '../../../test/support/audit-list-pages.js';
import { INTAKE_APP, internMeldpuntPayload, mmaPayload, testMunicipality } from '../../intake/test/support/intake-fixtures.js';
import { AUDIT_APP } from '../src/audit.app.js';

/**
 * The auditor's HTTP endpoints on real PostgreSQL with the intake app beside them: only auditors get in;
 * verify answers {ok, eventsChecked, firstBreak} and finds tampering; a stream exports as a bundle that
 * verifies offline and fails once forged; and every personal-data call leaves processing-log lines the
 * auditor can query by subject and actor.
 */

let h: AppHarness;
const home = testMunicipality();
let auditor: string;
let coordinator: string;
let intakeSystem: string;
let signalIds: string[] = [];

beforeAll(async () => {
  h = await startApp({ apps: [INTAKE_APP, AUDIT_APP], env: { LEDGER_CHECKPOINT_EVERY: '3', LEDGER_CHECKPOINT_MAX_DELAY_MS: '200' } });
  auditor = await h.token('auditor', undefined, { subject: 'auditor-ada' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-anna' });
  intakeSystem = await h.token('intake-system', [home], { subject: 'connector-meldpunt' });
  for (let i = 0; i < 4; i++) {
    const res = await h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: mmaPayload(home) });
    expect(res.status).toBe(201);
    signalIds.push(res.body.signalId);
  }
  const vault = await h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body: internMeldpuntPayload(home) });
  expect(vault.status).toBe(201);
  signalIds.push(vault.body.signalId);
  // The checkpointer in the app seals the five events (a range of 3, then the rest after 200 ms).
  await waitFor(async () => Number((await h.query<{ n: string }>('SELECT coalesce(sum(event_count), 0)::text AS n FROM ledger_checkpoints'))[0]!.n) >= 5, { what: 'the intake events to be sealed' });
});

afterAll(async () => {
  await h?.stop();
});

function expectProblem(res: HarnessResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.contentType).toMatch(/^application\/problem\+json/);
}

const logLines = (ref: string | null = null) =>
  h.query<Record<string, any>>(`SELECT * FROM processing_log ${ref ? 'WHERE data_subject_ref = $1' : ''} ORDER BY id`, ref ? [ref] : []);

describe('only auditors', () => {
  it('refuses other roles with 403 AUTH.ROLE_NOT_ALLOWED and no token with 401, on every audit endpoint', async () => {
    const calls: [string, string][] = [
      ['POST', '/v1/audit/verify'],
      ['GET', `/v1/audit/streams/signal-${signalIds[0]}/bundle`],
      ['GET', `/v1/audit/processing-log?subject=${signalIds[0]}`],
    ];
    for (const [method, path] of calls) {
      for (const role of ['coordinator', 'intake-system', 'admin', 'police-liaison', 'table-member'] as const) {
        expectProblem(await h.request(method, path, { token: await h.token(role, role === 'admin' ? undefined : [home]), body: method === 'POST' ? {} : undefined }), 403, 'AUTH.ROLE_NOT_ALLOWED');
      }
      expectProblem(await h.request(method, path, { body: method === 'POST' ? {} : undefined }), 401, 'AUTH.TOKEN_MISSING');
    }
  });
});

describe('POST /v1/audit/verify', () => {
  it('answers ok with the events checked and the head checkpoint', async () => {
    const res = await h.request('POST', '/v1/audit/verify', { token: auditor, body: {} });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, eventsChecked: await h.countAllEvents(), firstBreak: null, head: { seq: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
  });

  it('refuses malformed anchors with 400 VALIDATION.FAILED', async () => {
    expectProblem(await h.request('POST', '/v1/audit/verify', { token: auditor, body: { anchors: ['1:zz'] } }), 400, 'VALIDATION.FAILED');
  });
});

describe('GET /v1/audit/streams/{streamId}/bundle', () => {
  let bundle: LedgerBundle;

  it('exports a bundle that verifies offline', async () => {
    const res = await h.request('GET', `/v1/audit/streams/signal-${signalIds[4]}/bundle`, { token: auditor });
    expect(res.status).toBe(200);
    bundle = res.body;
    expect(bundle.events).toHaveLength(1);
    expect(bundle.checkpoints.some((c) => c.lines !== undefined)).toBe(true);
    expect(verifyBundle(bundle)).toMatchObject({ ok: true, code: null, events: 1, sealedEvents: 1, problems: [] });
    expect(verifyBundle(bundle, [bundle.head!])).toMatchObject({ ok: true });
  });

  it('fails offline once forged: an edited payload, a re-hashed event, a dropped checkpoint, a wrong anchor', () => {
    const clone = (): LedgerBundle => JSON.parse(JSON.stringify(bundle));
    const edited = clone();
    edited.events[0]!.payload = { ...edited.events[0]!.payload, description: 'iets anders' };
    expect(verifyBundle(edited)).toMatchObject({ ok: false, code: 'BUNDLE.HASH_MISMATCH', problems: [{ code: 'BUNDLE.HASH_MISMATCH', message: expect.stringMatching(/content does not give its hash/) }] });

    const rehashed = clone();
    rehashed.events[0]!.hash = 'f'.repeat(64);
    expect(verifyBundle(rehashed)).toMatchObject({ ok: false, code: 'BUNDLE.HASH_MISMATCH' });
    expect(verifyBundle(rehashed).problems.map((p) => p.code)).toContain('BUNDLE.SEAL_MISMATCH');

    const dropped = clone();
    dropped.checkpoints = dropped.checkpoints.filter((c) => c.lines === undefined);
    expect(verifyBundle(dropped).problems.map((p) => p.message).join('\n')).toMatch(/no checkpoint in the bundle covers|lines are not in the bundle|not sealed by any checkpoint in the bundle/);
    expect(verifyBundle(dropped).code).toMatch(/^BUNDLE\.(CHECKPOINT_CHAIN_BROKEN|PROOF_MISSING|EVENTS_UNSEALED)$/);

    expect(verifyBundle(clone(), [{ seq: bundle.head!.seq, hash: '0'.repeat(64) }]).problems).toEqual([{ code: 'BUNDLE.ANCHOR_MISMATCH', message: expect.stringMatching(/differs from the anchor/) }]);
    expect(verifyBundle(clone(), [{ seq: bundle.head!.seq + 1, hash: '0'.repeat(64) }]).problems).toEqual([{ code: 'BUNDLE.ANCHOR_NOT_IN_BUNDLE', message: expect.stringMatching(/is not in the bundle/) }]);
    expect(verifyBundle({ format: 'something else' })).toMatchObject({ ok: false, code: 'BUNDLE.FORMAT_UNKNOWN', problems: [{ code: 'BUNDLE.FORMAT_UNKNOWN', message: 'not a signaalroute-ledger-bundle/1 bundle' }] });
    expect(verifyBundle({ ...clone(), events: [] })).toMatchObject({ ok: false, code: 'BUNDLE.MALFORMED' });
  });

  it('fails offline when an event claims a place after the newest checkpoint: nothing proves it (a forged, re-hashed event there passed)', () => {
    const forged: LedgerBundle = JSON.parse(JSON.stringify(bundle));
    const event = forged.events[0]!;
    const { hash: _hash, position: _position, transactionId: _transactionId, ...hashed } = { ...event, payload: { ...event.payload, description: 'vervalst' } };
    forged.events[0] = { ...event, payload: hashed.payload, transactionId: '999999999', hash: eventHash(hashed) };
    const result = verifyBundle(forged, [bundle.head!]);
    expect(result).toMatchObject({ ok: false, unsealedEvents: 1 });
    expect(result.problems).toEqual([{ code: 'BUNDLE.EVENTS_UNSEALED', message: expect.stringMatching(/not sealed by any checkpoint in the bundle/) }]);
    // Who knows the stream's newest events are not sealed yet may still accept them explicitly.
    expect(verifyBundle(forged, [bundle.head!], { allowUnsealed: true })).toMatchObject({ ok: true, unsealedEvents: 1 });
  });

  it('seals the stream before exporting it, and holds the whole checkpoint chain: an anchor recorded before the stream existed is held, yet proves none of its events', async () => {
    const recorded = bundle.head!; // e.g. the head an auditor noted last month
    const res = await h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: mmaPayload(home) });
    expect(res.status).toBe(201);
    const later = await h.request('GET', `/v1/audit/streams/signal-${res.body.signalId}/bundle`, { token: auditor });
    expect(later.status).toBe(200);
    const newer: LedgerBundle = later.body;
    expect(newer.checkpoints[0]!.seq).toBe(1);
    // The older anchor is in the chain, but vouches for no checkpoint after it: the new event is sealed by one.
    expect(verifyBundle(newer, [recorded])).toMatchObject({ ok: false, code: 'BUNDLE.SEALED_AFTER_ANCHOR', sealedEvents: 1, sealedAfterAnchorEvents: 1, unsealedEvents: 0 });
    // The head the export ended at, confirmed by the ledger (which still holds the older anchor) and recorded: proven.
    const confirmed = await h.request('POST', '/v1/audit/verify', { token: auditor, body: { anchors: [recorded, newer.head!].map((a) => `${a.seq}:${a.hash}`) } });
    expect(confirmed.body).toMatchObject({ ok: true });
    expect(verifyBundle(newer, [recorded, newer.head!])).toMatchObject({ ok: true, sealedEvents: 1, sealedAfterAnchorEvents: 0, unsealedEvents: 0 });
  });

  it('takes the id in a stream name in either case', async () => {
    const upper = await h.request('GET', `/v1/audit/streams/signal-${signalIds[4]!.toUpperCase()}/bundle`, { token: auditor });
    expect(upper.status).toBe(200);
    expect((upper.body as LedgerBundle).events.map((e) => e.id)).toEqual(bundle.events.map((e) => e.id));
  });

  it('answers 404 STREAM.NOT_FOUND for an unknown stream', async () => {
    expectProblem(await h.request('GET', `/v1/audit/streams/signal-${randomBytes(4).toString('hex')}/bundle`, { token: auditor }), 404, 'STREAM.NOT_FOUND');
  });
});

describe('tampering, seen through the API', () => {
  it('is reported with the first broken position', async () => {
    const [row] = await h.query<{ position: string; description: string }>("SELECT position::text AS position, payload->>'description' AS description FROM events WHERE stream_id = $1", [`signal-${signalIds[1]}`]);
    await h.query('ALTER TABLE events DISABLE TRIGGER events_no_update_delete');
    try {
      await h.query(`UPDATE events SET payload = jsonb_set(payload, '{description}', '"vervalst"') WHERE position = $1`, [row!.position]);
      const res = await h.request('POST', '/v1/audit/verify', { token: auditor, body: {} });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: false, firstBreak: { kind: 'hash-mismatch', position: row!.position, streamId: `signal-${signalIds[1]}` } });
    } finally {
      // Restore the original (sealed) description, so the later tests see an intact ledger.
      await h.query(`UPDATE events SET payload = jsonb_set(payload, '{description}', to_jsonb($2::text)) WHERE position = $1`, [row!.position, row!.description]);
      await h.query('ALTER TABLE events ENABLE TRIGGER events_no_update_delete');
    }
    expect((await h.request('POST', '/v1/audit/verify', { token: auditor, body: {} })).body.ok).toBe(true);
  });
});

describe('the processing log', () => {
  const ref = async (subject: string): Promise<string> => {
    const res = await h.request('GET', `/v1/audit/processing-log?subject=${subject}&limit=1`, { token: auditor });
    expect(res.status).toBe(200);
    const [line] = await h.query<{ data_subject_ref: string }>("SELECT data_subject_ref FROM processing_log WHERE operation = 'GET /v1/audit/processing-log' ORDER BY id DESC LIMIT 1");
    return line!.data_subject_ref;
  };

  it('has one line per received signal, with the intake actor, activity, purpose, outcome and trace', async () => {
    const traceId = randomBytes(16).toString('hex');
    const parent = randomBytes(8).toString('hex');
    const res = await h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: mmaPayload(home), headers: { traceparent: `00-${traceId}-${parent}-01` } });
    expect(res.status).toBe(201);
    const lines = await logLines(await ref(res.body.signalId));
    const intake = lines.filter((l) => l.operation === 'POST /v1/signals/mma');
    expect(intake).toHaveLength(1);
    expect(intake[0]).toMatchObject({
      trace_id: traceId,
      parent_span_id: parent,
      span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
      processing_activity: 'signaalontvangst',
      purpose: expect.any(String),
      data_subject_type: 'signal',
      actor_id: 'connector-meldpunt',
      actor_role: 'intake-system',
      method: 'POST',
      route: '/v1/signals/mma',
      status_code: 201,
      outcome: 'ok',
    });
    expect(intake[0]!.data_subject_ref).not.toContain(res.body.signalId);
  });

  it('records reads of one signal, of its reporter, and of the queue (one line per signal listed), and failed reads', async () => {
    const vaultSignal = signalIds[4]!;
    expect((await h.request('GET', `/v1/signals/${vaultSignal}`, { token: coordinator })).status).toBe(200);
    expect((await h.request('POST', `/v1/signals/${vaultSignal}/reporter-access`, { token: coordinator, body: { reason: 'Terugkoppeling aan de melder' } })).status).toBe(200);
    const listed = await waitFor(async () => {
      const res = await h.request('GET', `/v1/signals?municipality=${home}&limit=200`, { token: coordinator });
      return res.body.items.length >= 5 ? res : null;
    }, { what: 'the queue to list the signals' });
    const lines = await logLines(await ref(vaultSignal));
    expect(lines.map((l) => l.operation)).toEqual(
      expect.arrayContaining(['POST /v1/signals/intern-meldpunt', 'GET /v1/signals/:id', 'POST /v1/signals/:id/reporter-access', 'GET /v1/signals']),
    );
    const listLines = await h.query<{ n: string }>("SELECT count(*)::text AS n FROM processing_log WHERE operation = 'GET /v1/signals' AND span_id = (SELECT span_id FROM processing_log WHERE operation = 'GET /v1/signals' ORDER BY id DESC LIMIT 1)");
    expect(Number(listLines[0]!.n)).toBe(listed.body.items.length);

    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await h.request('GET', `/v1/signals/${missing}`, { token: coordinator })).status).toBe(404);
    expect((await logLines(await ref(missing))).find((l) => l.operation === 'GET /v1/signals/:id')).toMatchObject({ status_code: 404, outcome: 'error', actor_id: 'coordinator-anna' });
  });

  it('records the auditor’s own reads of event payloads (export) and queries', async () => {
    const subject = signalIds[2]!;
    expect((await h.request('GET', `/v1/audit/streams/signal-${subject}/bundle`, { token: auditor })).status).toBe(200);
    const lines = await logLines(await ref(subject));
    expect(lines.find((l) => l.operation === 'GET /v1/audit/streams/:streamId/bundle')).toMatchObject({ actor_id: 'auditor-ada', actor_role: 'auditor', processing_activity: 'audit-export' });
    expect(lines.find((l) => l.operation === 'GET /v1/audit/processing-log')).toMatchObject({ actor_role: 'auditor', processing_activity: 'inzage-verwerkingenlog' });
  });

  it('answers queries by subject, by actor and by time, cursor-paginated, and refuses an empty filter', async () => {
    const bySubject = await readToTheEnd(h, `/v1/audit/processing-log?subject=${signalIds[0]}`, auditor);
    expect(bySubject.items.map((i: any) => i.operation)).toContain('POST /v1/signals/mma');
    expect(bySubject.items.every((i: any) => i.dataSubjectRef === bySubject.items[0].dataSubjectRef)).toBe(true);

    const pages = (await readToTheEnd(h, '/v1/audit/processing-log?actor=connector-meldpunt&limit=2', auditor)).items;
    expect(pages.length).toBeGreaterThanOrEqual(6);
    expect(new Set(pages.map((p) => p.id)).size).toBe(pages.length);
    expect(pages.every((p) => p.actorId === 'connector-meldpunt')).toBe(true);

    const future = await h.request('GET', `/v1/audit/processing-log?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`, { token: auditor });
    expect(future.body.items).toEqual([]);
    expectProblem(await h.request('GET', '/v1/audit/processing-log', { token: auditor }), 400, 'VALIDATION.FILTER_REQUIRED');
    expectProblem(await h.request('GET', '/v1/audit/processing-log?actor=x&cursor=bm9wZQ', { token: auditor }), 400, 'VALIDATION.CURSOR_INVALID');
  });

  it('writes every line of concurrent calls (group commit), and withholds the answer when it cannot write', async () => {
    const subject = signalIds[3]!;
    const before = (await logLines(await ref(subject))).length;
    const answers = await Promise.all(Array.from({ length: 40 }, () => h.request('GET', `/v1/signals/${subject}`, { token: coordinator })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await logLines(await ref(subject))).length).toBe(before + 40 + 1);

    await h.query('ALTER TABLE processing_log RENAME TO processing_log_away');
    try {
      const withheld = await h.request('GET', `/v1/signals/${subject}`, { token: coordinator });
      expectProblem(withheld, 503, 'PROCESSING_LOG.UNAVAILABLE');
      expect(withheld.headers.get('retry-after')).toBe('5');
    } finally {
      await h.query('ALTER TABLE processing_log_away RENAME TO processing_log');
    }
  });

  it('is append-only', async () => {
    await expect(h.query('UPDATE processing_log SET actor_id = $1', ['someone-else'])).rejects.toThrow(/append-only/);
    await expect(h.query('DELETE FROM processing_log')).rejects.toThrow(/append-only/);
  });
});
