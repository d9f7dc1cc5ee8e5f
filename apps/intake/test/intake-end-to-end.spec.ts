import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS } from '#contracts';
import { eventHash, EVENT_COLUMNS, rowToEnvelope, type EventRow } from '#eventstore';
import { KEYRING, type Keyring } from '#platform';
import { startApp, waitFor, type AppHarness, type HarnessResponse } from '../../../test/support/app-harness.js';
import type { TopicWatcher, WatchedMessage } from '../../../test/support/kafka-probe.js';
import { INTAKE_APP, internMeldpuntPayload, mmaPayload, tag, twoMunicipalities, zorgmeldingPayload } from './support/intake-fixtures.js';

/**
 * End to end on real PostgreSQL and Kafka: HTTP (and Kafka) intake → `SignalReceived` in the event store →
 * message on `signaalroute.signals.v1` → the triage queue, plus idempotent intake and the reporter vault.
 * The broker is shared with other test runs, so messages are found by key / signal id, never by position.
 */

let h: AppHarness;
let watcher: TopicWatcher;
const [home, elsewhere] = twoMunicipalities();
const INBOUND_MMA = TOPICS.inbound('mma');
let intakeSystem: string;
let coordinator: string;

beforeAll(async () => {
  h = await startApp({ apps: [INTAKE_APP] });
  watcher = await h.watch([TOPICS.signals, TOPICS.deadLetter, INBOUND_MMA]);
  intakeSystem = await h.token('intake-system', [home], { subject: 'connector-meldpunt' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-anna' });
});

afterAll(async () => {
  await h?.stop();
});

async function streamEvents(signalId: string): Promise<EventRow[]> {
  return h.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`signal-${signalId}`]);
}

/** The signal's message on the signals topic (keyed by its stream id). */
async function signalMessage(signalId: string): Promise<WatchedMessage> {
  const [message] = await watcher.waitFor((m) => m.topic === TOPICS.signals && m.key === `signal-${signalId}`, { what: `signal-${signalId} on ${TOPICS.signals}` });
  return message!;
}

/** Waits until the coordinator's triage queue lists the signal. */
async function inTriageQueue(signalId: string, token = coordinator): Promise<Record<string, unknown>> {
  return waitFor(async () => {
    const res = await h.request('GET', `/v1/signals?municipality=${home}&limit=200`, { token });
    expect(res.status).toBe(200);
    return (res.body.items as Record<string, unknown>[]).find((i) => i.signalId === signalId);
  }, { what: `signal ${signalId} in the triage queue` });
}

function expectProblem(res: HarnessResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.contentType).toMatch(/^application\/problem\+json/);
}

/** Checks the stored envelope of a signal's first event, including that its hash seals its content. */
function expectSignalReceivedEnvelope(row: EventRow, expected: { municipality: string; actorId: string; actorRole: string; specialCategory: boolean }): void {
  expect(row).toMatchObject({
    type: 'SignalReceived',
    schema_version: 1,
    stream_version: 1,
    municipality: expected.municipality,
    actor_id: expected.actorId,
    actor_role: expected.actorRole,
    processing_activity: 'signaalontvangst',
    special_category: expected.specialCategory,
    prev_hash: null,
  });
  expect(row.legal_basis).toMatch(/AVG art\. 6\(1\)\(e\)/);
  expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
  const { position: _position, hash, ...hashed } = rowToEnvelope(row);
  expect(eventHash(hashed)).toBe(hash);
}

describe('HTTP intake → event in PostgreSQL → message on Kafka → triage queue', () => {
  it('takes an intern-meldpunt report end to end and keeps the employee out of the event, the topic and the queue', async () => {
    const reporter = { employeeId: `E-${tag()}`, department: `Afdeling-${tag()}` };
    const description = `Niet pluis bij de snackbar ${tag()}`;
    const res = await h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body: internMeldpuntPayload(home, reporter, { description }) });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ signalId: expect.stringMatching(/^[0-9a-f-]{36}$/), receivedAt: expect.any(String), status: 'nieuw' });
    expect(res.headers.get('location')).toBe(`/v1/signals/${res.body.signalId}`);
    const signalId: string = res.body.signalId;

    const [row, ...rest] = await streamEvents(signalId);
    expect(rest).toHaveLength(0);
    expectSignalReceivedEnvelope(row!, { municipality: home, actorId: 'connector-meldpunt', actorRole: 'intake-system', specialCategory: false });
    const payload = rowToEnvelope(row!).payload;
    expect(payload).toMatchObject({ signalId, source: 'intern-meldpunt', description: expect.stringMatching(/^pd1\./), reporterRef: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(payload).not.toHaveProperty('reporter');
    expect(JSON.stringify(payload)).not.toContain(reporter.employeeId);
    expect(JSON.stringify(payload)).not.toContain(description);

    const message = await signalMessage(signalId);
    const raw = Buffer.concat([message.value, Buffer.from(JSON.stringify(message.headers)), Buffer.from(message.key ?? '')]).toString('utf8');
    expect(raw).toContain(signalId); // the bytes searched below are the signal's message
    expect(raw).not.toContain(description); // sealed under the signal's data key
    expect(raw).not.toContain(reporter.employeeId);
    expect(raw).not.toContain(reporter.department);
    const envelope = JSON.parse(message.value.toString('utf8'));
    expect(envelope).toMatchObject({ id: row!.id, type: 'SignalReceived', streamId: `signal-${signalId}`, municipality: home, hash: row!.hash, specialCategory: false });

    expect(await inTriageQueue(signalId)).toMatchObject({ signalId, municipality: home, source: 'intern-meldpunt', status: 'nieuw', specialCategory: false });
    const detail = await h.request('GET', `/v1/signals/${signalId}`, { token: coordinator });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ signalId, source: 'intern-meldpunt', details: { description, involved: { kind: 'business' } } });
    expect(detail.body.details).not.toHaveProperty('reporterRef');
    expect(detail.text).not.toContain(reporter.employeeId);
    expect(detail.text).not.toContain(reporter.department);
  });

  it('takes a zorgmelding end to end as special-category data, without the reporter anywhere on the way', async () => {
    const reporter = { name: `Melder ${tag()}`, contact: `melder-${tag()}@example.nl`, relation: 'essentiele-naaste' };
    const concern = `Zorgen om buurman ${tag()}`;
    const res = await h.request('POST', '/v1/signals/zorgmelding', { token: intakeSystem, body: zorgmeldingPayload(home, reporter, { concern }) });
    expect(res.status).toBe(201);
    const signalId: string = res.body.signalId;

    const [row] = await streamEvents(signalId);
    expectSignalReceivedEnvelope(row!, { municipality: home, actorId: 'connector-meldpunt', actorRole: 'intake-system', specialCategory: true });
    const payload = rowToEnvelope(row!).payload;
    expect(payload).toMatchObject({ source: 'zorgmelding', concern: expect.stringMatching(/^pd1\./), reporterRelation: 'essentiele-naaste', subject: { bsn: expect.stringMatching(/^pd1\./) } });
    expect(JSON.stringify(payload)).not.toContain(concern);
    expect(JSON.stringify(payload)).not.toContain('111222333');
    expect(JSON.stringify(payload)).not.toContain(reporter.name);
    expect(JSON.stringify(payload)).not.toContain(reporter.contact);

    const message = await signalMessage(signalId);
    const raw = Buffer.concat([message.value, Buffer.from(JSON.stringify(message.headers))]).toString('utf8');
    expect(raw).toContain(signalId);
    expect(raw).not.toContain(concern);
    expect(raw).not.toContain('111222333');
    expect(raw).not.toContain(reporter.name);
    expect(raw).not.toContain(reporter.contact);
    expect(JSON.parse(message.value.toString('utf8'))).toMatchObject({ id: row!.id, specialCategory: true });

    expect(await inTriageQueue(signalId)).toMatchObject({ source: 'zorgmelding', urgency: 'hoog', wvggz: true, specialCategory: true });
    const detail = await h.request('GET', `/v1/signals/${signalId}`, { token: coordinator });
    expect(detail.status).toBe(200);
    expect(detail.body.details).toMatchObject({ concern, reporterRelation: 'essentiele-naaste', subject: { bsn: '111222333' } });
    expect(detail.body.personalDataErased).toBe(false);
    expect(detail.text).not.toContain(reporter.name);
    expect(detail.text).not.toContain(reporter.contact);
  });

  it('takes an MMA tip end to end, from a coordinator', async () => {
    const body = mmaPayload(home);
    const res = await h.request('POST', '/v1/signals/mma', { token: coordinator, body });
    expect(res.status).toBe(201);
    const signalId: string = res.body.signalId;
    const [row] = await streamEvents(signalId);
    expectSignalReceivedEnvelope(row!, { municipality: home, actorId: 'coordinator-anna', actorRole: 'coordinator', specialCategory: false });
    expect(rowToEnvelope(row!).payload).not.toHaveProperty('reporterRef');
    expect(JSON.parse((await signalMessage(signalId)).value.toString('utf8'))).toMatchObject({ id: row!.id, payload: { externalRef: body.externalRef, theme: 'drugs' } });
    expect(await inTriageQueue(signalId)).toMatchObject({ source: 'mma', externalRef: body.externalRef, theme: 'drugs', receivedAt: new Date(body.receivedAt).toISOString() });
  });
});

describe('idempotent intake', () => {
  const signalReceivedWithRef = async (externalRef: string) =>
    Number((await h.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE type = 'SignalReceived' AND payload->>'externalRef' = $1", [externalRef]))[0]!.n);

  it('gives the same signalId for the same (source, externalRef) and appends one event', async () => {
    const body = mmaPayload(home);
    const before = await h.countEvents();
    const first = await h.request('POST', '/v1/signals/mma', { token: intakeSystem, body });
    const second = await h.request('POST', '/v1/signals/mma', { token: intakeSystem, body });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.signalId).toBe(first.body.signalId);
    expect(second.body.receivedAt).toBe(first.body.receivedAt);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await signalReceivedWithRef(body.externalRef)).toBe(1);
    expect(await h.countEvents()).toBe(before + 1);
  });

  it('gives the same signalId for the same Idempotency-Key and appends one event', async () => {
    const body = internMeldpuntPayload(home); // no externalRef: only the key makes the resend recognisable
    const headers = { 'idempotency-key': `key-${tag()}` };
    const before = await h.countEvents();
    const first = await h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body, headers });
    const second = await h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body, headers });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.signalId).toBe(first.body.signalId);
    expect(await h.countEvents()).toBe(before + 1);
  });

  it('refuses the same Idempotency-Key with a different body with 422 IDEMPOTENCY.KEY_REUSED', async () => {
    const headers = { 'idempotency-key': `key-${tag()}` };
    const first = await h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body: internMeldpuntPayload(home), headers });
    expect(first.status).toBe(201);
    const before = await h.countEvents();
    const other = internMeldpuntPayload(home, undefined, { description: 'Een heel andere melding.' });
    expectProblem(await h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body: other, headers }), 422, 'IDEMPOTENCY.KEY_REUSED');
    expect(await h.countEvents()).toBe(before);
  });

  it("stores a keyed fingerprint of the request, never a plain hash of the report (which a reader of the table could test guesses of a BSN against)", async () => {
    const body = zorgmeldingPayload(home);
    const key = `key-${tag()}`;
    const first = await h.request('POST', '/v1/signals/zorgmelding', { token: intakeSystem, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const [row] = await h.query<{ request_hash: string }>('SELECT request_hash FROM intake_keys WHERE signal_id = $1 AND request_hash IS NOT NULL', [first.body.signalId]);
    const canonicalize = (await import('canonicalize')).default as unknown as (v: unknown) => string;
    const { createHash } = await import('node:crypto');
    expect(row!.request_hash).not.toBe(createHash('sha256').update(`zorgmelding\n${canonicalize(body)}`).digest('hex'));
    const again = await h.request('POST', '/v1/signals/zorgmelding', { token: intakeSystem, body, headers: { 'idempotency-key': key } });
    expect({ status: again.status, signalId: again.body.signalId }).toEqual({ status: 201, signalId: first.body.signalId });
  });

  it('a key stored by an earlier release (a plain SHA-256 of the request) still recognises its resend, and refuses another request', async () => {
    const body = internMeldpuntPayload(home);
    const key = `key-${tag()}`;
    const first = await h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    const canonicalize = (await import('canonicalize')).default as unknown as (v: unknown) => string;
    const { createHash } = await import('node:crypto');
    const legacy = createHash('sha256').update(`intern-meldpunt\n${canonicalize(body)}`).digest('hex');
    await h.query('UPDATE intake_keys SET request_hash = $2 WHERE signal_id = $1 AND request_hash IS NOT NULL', [first.body.signalId, legacy]);
    const again = await h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body, headers: { 'idempotency-key': key } });
    expect({ status: again.status, signalId: again.body.signalId }).toEqual({ status: 201, signalId: first.body.signalId });
    const other = internMeldpuntPayload(home, undefined, { description: 'Een heel andere melding.' });
    expectProblem(await h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body: other, headers: { 'idempotency-key': key } }), 422, 'IDEMPOTENCY.KEY_REUSED');
  });

  it('appends one event for 20 concurrent identical requests, all answered with the same signalId', async () => {
    const body = mmaPayload(home);
    const headers = { 'idempotency-key': `key-${tag()}` };
    const before = await h.countEvents();
    const answers = await Promise.all(Array.from({ length: 20 }, () => h.request('POST', '/v1/signals/mma', { token: intakeSystem, body, headers })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(201));
    expect(new Set(answers.map((a) => a.body.signalId)).size).toBe(1);
    expect(await signalReceivedWithRef(body.externalRef)).toBe(1);
    expect(await h.countEvents()).toBe(before + 1);
  });
});

describe('processing log of intake', () => {
  it('writes exactly one line per accepted signal, in the same statement as the signal, and one for a resend too', async () => {
    const body = mmaPayload(home);
    const first = await h.request('POST', '/v1/signals/mma', { token: intakeSystem, body });
    expect(first.status).toBe(201);
    const traceOf = (res: HarnessResponse) => res.headers.get('traceparent')!.split('-')[1]!;
    const lines = (traceId: string) => h.query<{ status_code: number; outcome: string; data_subject_ref: string | null; processing_activity: string }>('SELECT status_code, outcome, data_subject_ref, processing_activity FROM processing_log WHERE trace_id = $1', [traceId]);
    const firstLines = await lines(traceOf(first));
    expect(firstLines).toHaveLength(1);
    expect(firstLines[0]).toMatchObject({ status_code: 201, outcome: 'ok', processing_activity: 'signaalontvangst' });
    expect(firstLines[0]!.data_subject_ref).not.toContain(first.body.signalId); // pseudonymised

    const resend = await h.request('POST', '/v1/signals/mma', { token: intakeSystem, body });
    expect(resend.body.signalId).toBe(first.body.signalId);
    const resendLines = await lines(traceOf(resend));
    expect(resendLines).toHaveLength(1);
    expect(resendLines[0]!.data_subject_ref).toBe(firstLines[0]!.data_subject_ref);
  });
});

describe('reporter vault', () => {
  let signalId: string;
  const reporter = { employeeId: `E-${tag()}`, department: `Handhaving-${tag()}` };
  /** The reason travels in the body: it is free text about people, and URLs end up in access logs and browser history. */
  const readReporter = (id: string, body: unknown, options: { token?: string; query?: string } = {}) =>
    h.request('POST', `/v1/signals/${id}/reporter-access${options.query ?? ''}`, { token: options.token ?? coordinator, body });

  beforeAll(async () => {
    const res = await h.request('POST', '/v1/signals/intern-meldpunt', { token: intakeSystem, body: internMeldpuntPayload(home, reporter) });
    expect(res.status).toBe(201);
    signalId = res.body.signalId;
  });

  it('shows the reporter to a coordinator of the municipality who gives a reason in the body, and records the access as an event', async () => {
    const reason = `Nader onderzoek ${tag()}`;
    const res = await readReporter(signalId, { reason });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ signalId, source: 'intern-meldpunt', reporter });

    const [received, accessed, ...rest] = await streamEvents(signalId);
    expect(rest).toHaveLength(0);
    expect(accessed).toMatchObject({ type: 'ReporterIdentityAccessed', stream_version: 2, municipality: home, actor_id: 'coordinator-anna', actor_role: 'coordinator', prev_hash: received!.hash });
    // The reason is free text about people: sealed under the signal's data key, opened by the keyring.
    const payload = rowToEnvelope(accessed!).payload as { signalId: string; reason: string };
    expect(payload).toEqual({ signalId, reason: expect.stringMatching(/^pd1\./) });
    expect(await h.running.app.get<Keyring>(KEYRING, { strict: false }).reveal(payload)).toEqual({ value: { signalId, reason }, erased: false });
    expect(JSON.stringify(accessed)).not.toContain(reporter.employeeId);
  });

  it('shows a zorgmelding reporter the same way', async () => {
    const zorgReporter = { name: `Melder ${tag()}`, contact: '0612345678', relation: 'buurtbewoner' };
    const created = await h.request('POST', '/v1/signals/zorgmelding', { token: intakeSystem, body: zorgmeldingPayload(home, zorgReporter) });
    const res = await readReporter(created.body.signalId, { reason: 'Contact opnemen' });
    expect(res.status).toBe(200);
    expect(res.body.reporter).toEqual(zorgReporter);
  });

  it('keeps the reporter sealed at rest: the vault row holds no readable name or contact, and a row moved to another signal does not open', async () => {
    const zorgReporter = { name: `Melder ${tag()}`, contact: `melder-${tag()}@example.nl`, relation: 'familie' };
    const first = await h.request('POST', '/v1/signals/zorgmelding', { token: intakeSystem, body: zorgmeldingPayload(home, zorgReporter) });
    const second = await h.request('POST', '/v1/signals/zorgmelding', { token: intakeSystem, body: zorgmeldingPayload(home) });
    const rows = await h.query<{ signal_id: string; reporter: unknown }>('SELECT signal_id, reporter FROM reporter_vault WHERE signal_id = ANY($1::uuid[])', [[first.body.signalId, second.body.signalId]]);
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain(zorgReporter.name);
    expect(JSON.stringify(rows)).not.toContain(zorgReporter.contact);
    // An attacker with database rights copies the first signal's sealed reporter onto the second: it does not open.
    const sealed = rows.find((r) => r.signal_id === first.body.signalId)!.reporter;
    await h.query('UPDATE reporter_vault SET reporter = $1 WHERE signal_id = $2', [JSON.stringify(sealed), second.body.signalId]);
    const res = await readReporter(second.body.signalId, { reason: 'Contact opnemen' });
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain(zorgReporter.name);
  });

  it('refuses without a reason of at least 5 visible characters and at most 500 (400 VALIDATION.REASON_REQUIRED) and records nothing', async () => {
    const before = (await streamEvents(signalId)).length;
    for (const body of [{}, { reason: '   ' }, { reason: ' abcd ' }, { reason: 42 }, { reason: 'x'.repeat(501) }]) {
      const res = await readReporter(signalId, body);
      expectProblem(res, 400, 'VALIDATION.REASON_REQUIRED');
      expect(res.text).not.toContain(reporter.employeeId);
    }
    expect(await streamEvents(signalId)).toHaveLength(before);
  });

  it('no longer reads the reporter with GET: the old path is gone (404), the new one takes POST only (405), and records nothing', async () => {
    const before = (await streamEvents(signalId)).length;
    for (const [path, status] of [[`/v1/signals/${signalId}/reporter?reason=Nader%20onderzoek`, 404], [`/v1/signals/${signalId}/reporter-access?reason=Nader%20onderzoek`, 405]] as const) {
      const res = await h.request('GET', path, { token: coordinator });
      expect(res.status).toBe(status);
      expect(res.text).not.toContain(reporter.employeeId);
    }
    expect(await streamEvents(signalId)).toHaveLength(before);
  });

  it('refuses a reason in the query string of the POST (400 VALIDATION.FAILED naming the parameter) and records nothing', async () => {
    const before = (await streamEvents(signalId)).length;
    for (const body of [undefined, { reason: 'Nader onderzoek' }]) {
      const res = await readReporter(signalId, body, { query: '?reason=Nader%20onderzoek' });
      expectProblem(res, 400, 'VALIDATION.FAILED');
      expect(res.body.errors).toEqual([expect.objectContaining({ path: 'reason', constraints: ['whitelistValidation'] })]);
      expect(res.text).not.toContain('Nader onderzoek');
      expect(res.text).not.toContain(reporter.employeeId);
    }
    expect(await streamEvents(signalId)).toHaveLength(before);
  });

  it('refuses a body with an unknown field or that is no JSON object (400 VALIDATION.FAILED) and records nothing', async () => {
    const before = (await streamEvents(signalId)).length;
    const unknownField = await readReporter(signalId, { reason: 'Nader onderzoek', subjectName: 'Jan' });
    expectProblem(unknownField, 400, 'VALIDATION.FAILED');
    expect(unknownField.body.errors).toEqual([expect.objectContaining({ path: 'subjectName', constraints: ['whitelistValidation'] })]);
    // Another field and a bad reason: both named, as for any other body.
    const both = await readReporter(signalId, { reason: '', subjectName: 'Jan' });
    expectProblem(both, 400, 'VALIDATION.FAILED');
    expect((both.body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(['reason', 'subjectName']);
    for (const body of [undefined, ['Nader onderzoek'], 'Nader onderzoek']) expectProblem(await readReporter(signalId, body), 400, 'VALIDATION.FAILED');
    expect(await streamEvents(signalId)).toHaveLength(before);
  });

  it('answers a coordinator of another municipality 404, as if the signal did not exist', async () => {
    const before = (await streamEvents(signalId)).length;
    const other = await h.token('coordinator', [elsewhere]);
    const res = await readReporter(signalId, { reason: 'Nader onderzoek' }, { token: other });
    expectProblem(res, 404, 'SIGNAL.NOT_FOUND');
    expect(res.text).not.toContain(reporter.employeeId);
    expect(await streamEvents(signalId)).toHaveLength(before);
  });

  it.each(['table-member', 'police-liaison'] as const)('refuses a %s of the municipality with 403 AUTH.ROLE_NOT_ALLOWED', async (role) => {
    const token = await h.token(role, [home]);
    const res = await readReporter(signalId, { reason: 'Nader onderzoek' }, { token });
    expectProblem(res, 403, 'AUTH.ROLE_NOT_ALLOWED');
    expect(res.text).not.toContain(reporter.employeeId);
  });

  it('has no reporter for an MMA tip (404)', async () => {
    const created = await h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: mmaPayload(home) });
    expectProblem(await readReporter(created.body.signalId, { reason: 'Nader onderzoek' }), 404, 'SIGNAL.NOT_FOUND');
  });
});

describe('Kafka intake on signaalroute.inbound.mma.v1', () => {
  /** The signal id this app gave a Kafka-delivered tip (other test runs' apps may ingest it too, under other ids). */
  async function ingestedSignalId(externalRef: string): Promise<string> {
    return waitFor(async () => {
      const rows = await h.query<{ signal_id: string }>("SELECT payload->>'signalId' AS signal_id FROM events WHERE type = 'SignalReceived' AND payload->>'externalRef' = $1", [externalRef]);
      return rows[0]?.signal_id;
    }, { what: `the event of ${externalRef}` });
  }

  async function deadLetters(key: string) {
    return h.query<{ error_code: string; error: string; message_value: string; topic: string; headers: unknown }>(
      'SELECT error_code, error, message_value, topic, headers FROM dead_letters WHERE message_key = $1 ORDER BY id',
      [key],
    );
  }

  it('takes a valid MMA payload into the triage queue', async () => {
    const body = mmaPayload(home);
    await h.produce(INBOUND_MMA, [{ key: body.externalRef, value: JSON.stringify(body) }]);
    const signalId = await ingestedSignalId(body.externalRef);
    const [row] = await streamEvents(signalId);
    expectSignalReceivedEnvelope(row!, { municipality: home, actorId: `kafka:${INBOUND_MMA}`, actorRole: 'intake-system', specialCategory: false });
    expect(await inTriageQueue(signalId)).toMatchObject({ source: 'mma', externalRef: body.externalRef });
  });

  it('dead-letters invalid JSON and an invalid payload with their error codes, and still processes the next message of the partition', async () => {
    const key = `partition-test-${tag()}`;
    const valid = mmaPayload(home);
    const { description: _dropped, ...missingDescription } = mmaPayload(home);
    const invalid = { ...missingDescription, prioriteit: 'hoog' };
    await h.produce(INBOUND_MMA, [
      { key, value: '{"externalRef": "MMA-kapot", ' },
      { key, value: JSON.stringify(invalid) },
      { key, value: JSON.stringify(valid) },
    ]);
    const produced = await watcher.waitFor((m) => m.topic === INBOUND_MMA && m.key === key, { count: 3, what: 'the three produced messages' });
    expect(new Set(produced.map((m) => m.partition)).size).toBe(1); // one partition, in this order

    // The valid message came after the two bad ones on the same partition: it is processed, so the partition did not stop.
    const signalId = await ingestedSignalId(valid.externalRef);
    await inTriageQueue(signalId);

    const rows = await waitFor(async () => ((await deadLetters(key)).length >= 2 ? deadLetters(key) : undefined), { what: 'two dead letters' });
    expect(rows.map((r) => r.error_code)).toEqual(['HTTP.MALFORMED_JSON', 'VALIDATION.FAILED']);
    expect(rows.every((r) => r.topic === INBOUND_MMA)).toBe(true);
    // No dead letter keeps the message's value, only what was wrong and where the message was.
    expect(JSON.parse(rows[0]!.message_value)).toEqual({ redacted: true, reason: 'HTTP.MALFORMED_JSON' });
    expect(JSON.parse(rows[1]!.message_value)).toEqual({ redacted: true, reason: 'VALIDATION.FAILED' });
    const validation = JSON.parse(rows[1]!.error);
    expect(validation.details.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['description', 'prioriteit']));

    const onTopic = await watcher.waitFor((m) => m.topic === TOPICS.deadLetter && m.key === key, { count: 2, what: 'two messages on the dead-letter topic' });
    const codes = onTopic.map((m) => JSON.parse(m.value.toString('utf8')).code);
    expect(codes).toEqual(expect.arrayContaining(['HTTP.MALFORMED_JSON', 'VALIDATION.FAILED']));
    expect(onTopic.every((m) => m.headers['dead-letter-topic'] === INBOUND_MMA)).toBe(true);
  });

  it('dead-letters an MMA payload with a reporter without keeping the reporter anywhere', async () => {
    const key = `reporter-test-${tag()}`;
    const secretName = `Piet Tipgever ${tag()}`;
    const secretPhone = `06${String(Date.now()).slice(-8)}`;
    const body = { ...mmaPayload(home), melder: { naam: secretName, telefoon: secretPhone } };
    await h.produce(INBOUND_MMA, [{ key, value: JSON.stringify(body) }]);

    const [row] = await waitFor(async () => ((await deadLetters(key)).length > 0 ? deadLetters(key) : undefined), { what: 'the dead letter' });
    expect(row!.error_code).toBe('SIGNAL.REPORTER_NOT_ALLOWED');
    const stored = JSON.stringify(row);
    expect(stored).toContain('$.melder'); // the path is kept, so a person can see what was wrong
    expect(stored).not.toContain(secretName);
    expect(stored).not.toContain(secretPhone);

    const [dlq] = await watcher.waitFor((m) => m.topic === TOPICS.deadLetter && m.key === key, { what: 'the dead-letter message' });
    const dlqRaw = Buffer.concat([dlq!.value, Buffer.from(JSON.stringify(dlq!.headers))]).toString('utf8');
    expect(dlqRaw).toContain('SIGNAL.REPORTER_NOT_ALLOWED');
    expect(dlqRaw).not.toContain(secretName);
    expect(dlqRaw).not.toContain(secretPhone);
    expect(await h.query("SELECT 1 FROM events WHERE payload->>'externalRef' = $1", [body.externalRef])).toHaveLength(0);
  });

  it.each([
    ['not valid JSON', (secret: string) => `{"melder": {"naam": "${secret}"}, "theme": `, 'HTTP.MALFORMED_JSON'],
    [
      'nested too deep to check',
      (secret: string) => {
        let deep: Record<string, unknown> = { melder: secret };
        for (let i = 0; i < 40; i++) deep = { n: deep };
        const body = mmaPayload(home);
        return JSON.stringify({ ...body, location: { ...body.location, extra: deep } });
      },
      'SIGNAL.PAYLOAD_TOO_DEEP',
    ],
  ])('dead-letters an MMA message that is %s without keeping a possible reporter', async (_what, value, code) => {
    const key = `unchecked-${tag()}`;
    const secret = `Klaas Melder ${tag()}`;
    await h.produce(INBOUND_MMA, [{ key, value: value(secret) }]);
    const [row] = await waitFor(async () => ((await deadLetters(key)).length > 0 ? deadLetters(key) : undefined), { what: 'the dead letter' });
    expect(row!.error_code).toBe(code);
    expect(JSON.stringify(row)).not.toContain(secret);
    const [dlq] = await watcher.waitFor((m) => m.topic === TOPICS.deadLetter && m.key === key, { what: 'the dead-letter message' });
    expect(dlq!.value.toString('utf8')).not.toContain(secret);
  });
});
