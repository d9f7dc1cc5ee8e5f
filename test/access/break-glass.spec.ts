import { request as httpRequestRaw } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { openedCase, sendSignal } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, waitFor, type AppHarness, type HarnessResponse } from '../support/app-harness.js';
import { readToTheEnd } from '../support/audit-list-pages.js';

/**
 * Break-the-glass (issue 6, item 5) on the whole product, real PostgreSQL and Kafka. Rotterdam (GM0599) has a
 * signal and a case; a coordinator of Amsterdam (GM0363) needs them. Without the headers they answer 404
 * exactly like ids that do not exist; with `Break-Glass-Municipality: GM0599` and a stated
 * `Break-Glass-Reason` the coordinator reads them, every processing-log line of that request carries the
 * access id, the reason and the municipality entered, and an auditor finds the access in the review queue
 * and records a verdict — once. Wrong headers, other roles, other routes and writes are refused with a
 * code, and read and log nothing. An object of the caller's own municipality, read with the glass broken into
 * another, is refused too (400 `BREAK_GLASS.NOT_NEEDED`), and on record only as a refused call.
 */

const HOME = 'GM0363'; // Amsterdam
const ELSEWHERE = 'GM0599'; // Rotterdam
const REASON = 'Spoedoverleg met Rotterdam over dezelfde persoon, zorgen over acute veiligheid';
const glass = (reason: string = REASON, municipality: string = ELSEWHERE) => ({ 'break-glass-reason': reason, 'break-glass-municipality': municipality });

let h: AppHarness;
let signal: string;
let caseId: string;
let coordinator: string;
let auditor: string;

interface LogRow {
  id: string;
  route: string;
  method: string;
  status_code: number;
  data_subject_ref: string | null;
  break_glass_id: string | null;
  break_glass_reason: string | null;
  break_glass_municipality: string | null;
}

const linesOf = (actor: string) => h.query<LogRow>('SELECT id::text AS id, route, method, status_code, data_subject_ref, break_glass_id, break_glass_reason, break_glass_municipality FROM processing_log WHERE actor_id = $1 ORDER BY processing_log.id', [actor]);
const eventCount = async () => Number((await h.query<{ n: string }>('SELECT count(*)::text AS n FROM events WHERE municipality = $1', [ELSEWHERE]))[0]!.n);

function problem(res: HarnessResponse): { status: number; code: unknown; problem: boolean } {
  return { status: res.status, code: res.body?.code, problem: res.contentType?.startsWith('application/problem+json') ?? false };
}

/** A coordinator token of Amsterdam with a subject of its own, so its processing-log lines can be told apart. */
async function amsterdam(subject: string): Promise<string> {
  return h.token('coordinator', [HOME], { subject });
}

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  const intake = await h.token('intake-system', [ELSEWHERE], { subject: 'connector-rotterdam' });
  const rotterdam = await h.token('coordinator', [ELSEWHERE], { subject: 'coordinator-rotterdam' });
  signal = await sendSignal(h, intake, 'zorgmelding', ELSEWHERE);
  const caseSignal = await sendSignal(h, intake, 'mma', ELSEWHERE);
  caseId = (await openedCase(h, rotterdam, { model: 'ave', signalIds: [caseSignal] })).body.caseId;
  await waitFor(async () => (await h.request('GET', `/v1/signals/${signal}`, { token: rotterdam })).status === 200, { what: "the signal in Rotterdam's triage queue" });
  coordinator = await amsterdam('coordinator-amsterdam');
  auditor = await h.token('auditor', undefined, { subject: 'auditor-fg' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('without the break-the-glass headers', () => {
  it("answers another municipality's signal and case exactly like ids that do not exist", async () => {
    for (const [path, other] of [
      [`/v1/signals/${signal}`, `/v1/signals/${randomUUID()}`],
      [`/v1/cases/${caseId}`, `/v1/cases/${randomUUID()}`],
    ] as const) {
      const [theirs, nobodys] = await Promise.all([h.request('GET', path, { token: coordinator }), h.request('GET', other, { token: coordinator })]);
      expect(problem(theirs)).toEqual({ status: 404, code: path.startsWith('/v1/signals') ? 'SIGNAL.NOT_FOUND' : 'CASE.NOT_FOUND', problem: true });
      expect({ ...theirs.body, instance: undefined, traceId: undefined }).toEqual({ ...nobodys.body, instance: undefined, traceId: undefined });
    }
    expect((await linesOf('coordinator-amsterdam')).filter((l) => l.break_glass_id !== null)).toEqual([]);
  });
});

describe('breaking the glass', () => {
  it('reads the signal and the case, for that one request, and flags every log line of it with the reason and the municipality', async () => {
    const user = 'coordinator-amsterdam-glass';
    const token = await amsterdam(user);
    const readSignal = await h.request('GET', `/v1/signals/${signal}`, { token, headers: glass() });
    expect({ status: readSignal.status, signalId: readSignal.body.signalId, municipality: readSignal.body.municipality }).toEqual({ status: 200, signalId: signal, municipality: ELSEWHERE });
    const readCase = await h.request('GET', `/v1/cases/${caseId}`, { token, headers: glass() });
    expect({ status: readCase.status, caseId: readCase.body.caseId }).toEqual({ status: 200, caseId });

    // One request, one access: the glass stays broken for nothing after it.
    expect((await h.request('GET', `/v1/signals/${signal}`, { token })).status).toBe(404);

    const lines = await linesOf(user);
    const flagged = lines.filter((l) => l.break_glass_id !== null);
    expect(flagged.map((l) => ({ route: l.route, status: l.status_code, reason: l.break_glass_reason, municipality: l.break_glass_municipality }))).toEqual([
      { route: '/v1/signals/:id', status: 200, reason: REASON, municipality: ELSEWHERE },
      { route: '/v1/cases/:id', status: 200, reason: REASON, municipality: ELSEWHERE },
    ]);
    expect(new Set(flagged.map((l) => l.break_glass_id)).size).toBe(2);
    expect(lines.filter((l) => l.break_glass_id === null).map((l) => [l.route, l.status_code])).toEqual([['/v1/signals/:id', 404]]);

    // The auditor's processing-log query shows the flag on the subject's line.
    const log = await readToTheEnd(h, `/v1/audit/processing-log?subject=${signal}&actor=${user}`, auditor);
    expect(log.items.map((i: any) => i.breakGlass)).toEqual([{ id: flagged[0]!.break_glass_id, reason: REASON, municipality: ELSEWHERE }, null]);
  });

  it('records an access that finds nothing too, and decodes a percent-encoded reason', async () => {
    const user = 'coordinator-amsterdam-missing';
    const reason = 'Vraag van de wijkagent: één adres, twee gemeenten, 100% zeker dezelfde';
    const res = await h.request('GET', `/v1/signals/${randomUUID()}`, { token: await amsterdam(user), headers: glass(encodeURIComponent(reason)) });
    expect(problem(res)).toEqual({ status: 404, code: 'SIGNAL.NOT_FOUND', problem: true });
    expect((await linesOf(user)).map((l) => [l.status_code, l.break_glass_reason, l.break_glass_municipality])).toEqual([[404, reason, ELSEWHERE]]);
  });

  it('refuses a missing, too short, too long or malformed reason and a missing, malformed or own municipality with 400 and a code, reading and logging nothing', async () => {
    const user = 'coordinator-amsterdam-bad-headers';
    const token = await amsterdam(user);
    const cases: [string, Record<string, string>, string][] = [
      ['no reason', { 'break-glass-municipality': ELSEWHERE }, 'BREAK_GLASS.REASON_REQUIRED'],
      ['an empty reason', glass('   '), 'BREAK_GLASS.REASON_REQUIRED'],
      ['a reason of zero-width spaces, in three "words"', glass(encodeURIComponent(Array(3).fill('\u200b'.repeat(8)).join(' '))), 'BREAK_GLASS.REASON_REQUIRED'],
      ['a reason of ideographic spaces', glass(encodeURIComponent('\u3000'.repeat(25))), 'BREAK_GLASS.REASON_REQUIRED'],
      ['a short reason', glass('even kijken'), 'BREAK_GLASS.REASON_TOO_SHORT'],
      ['a long word, no sentence', glass('x'.repeat(40)), 'BREAK_GLASS.REASON_TOO_SHORT'],
      ['a reason over 500 characters', glass(`${'Dringend overleg nodig. '.repeat(25)}`), 'BREAK_GLASS.REASON_TOO_LONG'],
      ['a reason that is not percent-encoding', glass('Spoed: 100% zeker dezelfde persoon in beeld'), 'BREAK_GLASS.REASON_INVALID'],
      ['a reason with a control character', glass(encodeURIComponent('Spoed overleg met Rotterdam\nover deze persoon')), 'BREAK_GLASS.REASON_INVALID'],
      ['no municipality', { 'break-glass-reason': REASON }, 'BREAK_GLASS.MUNICIPALITY_REQUIRED'],
      ['a malformed municipality', glass(REASON, 'Rotterdam'), 'BREAK_GLASS.MUNICIPALITY_INVALID'],
      ['two municipalities', glass(REASON, `${ELSEWHERE},GM0518`), 'BREAK_GLASS.MUNICIPALITY_INVALID'],
      ['the own municipality', glass(REASON, HOME), 'BREAK_GLASS.NOT_NEEDED'],
    ];
    const seen = await Promise.all(cases.map(async ([what, headers]) => ({ what, ...problem(await h.request('GET', `/v1/signals/${signal}`, { token, headers })) })));
    expect(seen).toEqual(cases.map(([what, , code]) => ({ what, status: 400, code, problem: true })));
    expect(await linesOf(user)).toEqual([]);
  });

  it("refuses a signal and a case of the caller's own municipality read with the glass broken into another: 400 BREAK_GLASS.NOT_NEEDED, never recorded as an access", async () => {
    const user = 'coordinator-amsterdam-own-objects';
    const token = await amsterdam(user);
    const intake = await h.token('intake-system', [HOME], { subject: 'connector-amsterdam' });
    const ownSignal = await sendSignal(h, intake, 'zorgmelding', HOME);
    const ownCase = (await openedCase(h, coordinator, { model: 'ave', signalIds: [await sendSignal(h, intake, 'mma', HOME)] })).body.caseId as string;
    await waitFor(async () => (await h.request('GET', `/v1/signals/${ownSignal}`, { token })).status === 200, { what: "the signal in Amsterdam's triage queue" });

    for (const path of [`/v1/signals/${ownSignal}`, `/v1/cases/${ownCase}`]) {
      const res = await h.request('GET', path, { token, headers: glass() });
      expect({ path, ...problem(res) }).toEqual({ path, status: 400, code: 'BREAK_GLASS.NOT_NEEDED', problem: true });
      expect(res.headers.get('etag')).toBeNull();
      expect({ path, status: (await h.request('GET', path, { token })).status }).toEqual({ path, status: 200 });
    }
    // Rotterdam's signal read with the glass broken into a third municipality lies outside the request's scope: the
    // 404 of an id that does not exist, not a refusal that would tell it exists.
    expect(problem(await h.request('GET', `/v1/signals/${signal}`, { token, headers: glass(REASON, 'GM0518') }))).toEqual({ status: 404, code: 'SIGNAL.NOT_FOUND', problem: true });

    // The refusals are on record as what they were: refused calls, none a successful access to Rotterdam.
    const flagged = (await linesOf(user)).filter((l) => l.break_glass_id !== null);
    expect(flagged.map((l) => [l.route, l.status_code, l.break_glass_municipality])).toEqual([
      ['/v1/signals/:id', 400, ELSEWHERE],
      ['/v1/cases/:id', 400, ELSEWHERE],
      ['/v1/signals/:id', 404, 'GM0518'],
    ]);
    const review = await readToTheEnd(h, `/v1/audit/break-glass?actor=${user}`, auditor);
    expect(review.items.flatMap((i: any) => i.lines.map((l: any) => l.outcome))).toEqual(['error', 'error', 'error']);
  });

  it('refuses two Break-Glass-Reason headers (Node joins them into one, which read as a reason of its own)', async () => {
    const user = 'coordinator-amsterdam-two-reasons';
    const token = await amsterdam(user);
    const { hostname, port } = new URL(h.url);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequestRaw(
        {
          hostname,
          port,
          path: `/v1/signals/${signal}`,
          method: 'GET',
          // An array value is sent as one header line per value.
          headers: { authorization: `Bearer ${token}`, 'break-glass-reason': [REASON, 'Nog een reden, want de eerste was niet genoeg'], 'break-glass-municipality': ELSEWHERE },
        },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect({ status: answer.status, code: (JSON.parse(answer.body) as { code: string }).code }).toEqual({ status: 400, code: 'BREAK_GLASS.REASON_INVALID' });
    expect(await linesOf(user)).toEqual([]);
  });

  it('is refused to table members, police liaisons, auditors and admins (403 BREAK_GLASS.ROLE_NOT_ALLOWED on their own routes)', async () => {
    const calls: [string, string, string][] = [
      ['table-member', '/v1/tables/zvh-casusoverleg/referrals', 'member-glass'],
      ['police-liaison', '/v1/liaison/escalations', 'liaison-glass'],
      ['auditor', `/v1/audit/processing-log?subject=${signal}`, 'auditor-glass'],
      ['admin', '/v1/audit/projections', 'admin-glass'],
    ];
    for (const [role, path, subject] of calls) {
      const token = await h.token(role as never, role === 'auditor' || role === 'admin' ? undefined : [HOME], { subject, tables: role === 'table-member' ? ['zvh-casusoverleg'] : undefined });
      // Where the role may read, breaking the glass is refused; the route itself answers it normally.
      expect({ role, ...problem(await h.request('GET', path, { token, headers: glass() })) }).toEqual({ role, status: 403, code: 'BREAK_GLASS.ROLE_NOT_ALLOWED', problem: true });
      expect({ role, status: (await h.request('GET', path, { token })).status }).toEqual({ role, status: 200 });
      // The signal and the case stay closed to them, header or not.
      for (const object of [`/v1/signals/${signal}`, `/v1/cases/${caseId}`]) {
        expect({ role, object, ...problem(await h.request('GET', object, { token, headers: glass() })) }).toEqual({ role, object, status: 403, code: 'AUTH.ROLE_NOT_ALLOWED', problem: true });
      }
      expect((await linesOf(subject)).filter((l) => l.break_glass_id !== null)).toEqual([]);
    }
  });

  it('is refused on lists and on the case history (403 BREAK_GLASS.ROUTE_NOT_ALLOWED)', async () => {
    const user = 'coordinator-amsterdam-routes';
    const token = await amsterdam(user);
    for (const path of ['/v1/signals', `/v1/signals?municipality=${ELSEWHERE}`, '/v1/cases', `/v1/cases/${caseId}/history`]) {
      const res = await h.request('GET', path, { token, headers: glass() });
      expect({ path, ...problem(res) }).toEqual({ path, status: 403, code: 'BREAK_GLASS.ROUTE_NOT_ALLOWED', problem: true });
      expect(JSON.stringify({ ...res.body, instance: undefined })).not.toContain(signal);
    }
    expect(await linesOf(user)).toEqual([]);
  });

  it('never applies to a write, nor to the reporter vault (a POST that records the access): 403 BREAK_GLASS.WRITE_NOT_ALLOWED, and nothing is appended', async () => {
    const user = 'coordinator-amsterdam-writes';
    const token = await amsterdam(user);
    const before = await eventCount();
    const writes: [string, string, unknown][] = [
      ['POST', `/v1/cases/${caseId}/notes`, { text: 'Gesprek gevoerd met de persoon', visibility: 'intern' }],
      ['POST', `/v1/signals/${signal}/dismissal`, { reason: 'Geen gemeentelijke taak' }],
      ['POST', `/v1/signals/${signal}/reporter-access`, { reason: 'Terugbellen van de melder' }],
      ['POST', '/v1/cases', { model: 'ave', signalIds: [signal] }],
    ];
    for (const [method, path, body] of writes) {
      expect({ path, ...problem(await h.request(method, path, { token, body, headers: glass() })) }).toEqual({ path, status: 403, code: 'BREAK_GLASS.WRITE_NOT_ALLOWED', problem: true });
    }
    expect(await eventCount()).toBe(before);
    expect(await h.query("SELECT type FROM events WHERE actor_id = $1", [user])).toEqual([]);
    expect(await linesOf(user)).toEqual([]);
  });
});

describe('the review of break-the-glass accesses', () => {
  it('lists the access awaiting review; a verdict is recorded once, by an auditor, and moves it to reviewed', async () => {
    const user = 'coordinator-amsterdam-review';
    expect((await h.request('GET', `/v1/signals/${signal}`, { token: await amsterdam(user), headers: glass() })).status).toBe(200);
    const [line] = await linesOf(user);
    const accessId = line!.break_glass_id!;

    const open = await readToTheEnd(h, `/v1/audit/break-glass?status=open&actor=${user}`, auditor);
    expect(open).toEqual({
      items: [
        {
          accessId,
          reason: REASON,
          municipality: ELSEWHERE,
          actorId: user,
          actorRole: 'coordinator',
          operation: 'GET /v1/signals/:id',
          processingActivity: 'signaaltriage',
          traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
          startedAt: expect.any(String),
          endedAt: expect.any(String),
          lines: [{ lineId: line!.id, dataSubjectType: 'signal', dataSubjectRef: line!.data_subject_ref, statusCode: 200, outcome: 'ok' }],
          review: null,
        },
      ],
      // The end of the list: nothing more, nothing held back, and where to carry on later.
      last: expect.objectContaining({ nextCursor: null, heldBack: false, resumeCursor: expect.any(String) }),
    });
    // Filtered by the municipality entered: Rotterdam's privacy officer finds it, Amsterdam's list has none of it.
    expect((await h.request('GET', `/v1/audit/break-glass?municipality=${ELSEWHERE}`, { token: auditor })).body.items.map((i: any) => i.accessId)).toContain(accessId);
    expect((await h.request('GET', `/v1/audit/break-glass?municipality=${HOME}`, { token: auditor })).body.items).toEqual([]);

    // Only auditors review, with a verdict from the list and a note.
    expect(problem(await h.request('POST', `/v1/audit/break-glass/${accessId}/review`, { token: coordinator, body: { verdict: 'gerechtvaardigd', note: 'Mijn eigen toegang was terecht' } }))).toEqual({ status: 403, code: 'AUTH.ROLE_NOT_ALLOWED', problem: true });
    expect(problem(await h.request('POST', `/v1/audit/break-glass/${accessId}/review`, { token: auditor, body: { verdict: 'prima', note: 'Nagevraagd bij Rotterdam' } }))).toEqual({ status: 400, code: 'VALIDATION.FAILED', problem: true });
    expect(problem(await h.request('POST', `/v1/audit/break-glass/${accessId}/review`, { token: auditor, body: { verdict: 'gerechtvaardigd' } }))).toEqual({ status: 400, code: 'VALIDATION.FAILED', problem: true });
    expect(problem(await h.request('POST', `/v1/audit/break-glass/${randomUUID()}/review`, { token: auditor, body: { verdict: 'gerechtvaardigd', note: 'Nagevraagd bij Rotterdam' } }))).toEqual({ status: 404, code: 'BREAK_GLASS.ACCESS_NOT_FOUND', problem: true });

    const note = 'Nagevraagd bij Rotterdam: gezamenlijk spoedoverleg, toegang terecht';
    const reviewed = await h.request('POST', `/v1/audit/break-glass/${accessId}/review`, { token: auditor, body: { verdict: 'gerechtvaardigd', note } });
    expect(reviewed.status).toBe(201);
    const review = { verdict: 'gerechtvaardigd', note, reviewerId: 'auditor-fg', reviewerRole: 'auditor', reviewedAt: expect.any(String) };
    expect(reviewed.body).toEqual({ accessId, review });
    expect(problem(await h.request('POST', `/v1/audit/break-glass/${accessId}/review`, { token: auditor, body: { verdict: 'niet-gerechtvaardigd', note: 'Toch niet terecht, bij nader inzien' } }))).toEqual({ status: 409, code: 'BREAK_GLASS.ALREADY_REVIEWED', problem: true });

    expect((await h.request('GET', `/v1/audit/break-glass?actor=${user}`, { token: auditor })).body.items).toEqual([]);
    const done = await h.request('GET', `/v1/audit/break-glass?status=reviewed&actor=${user}`, { token: auditor });
    expect(done.body.items.map((i: any) => ({ accessId: i.accessId, review: i.review }))).toEqual([{ accessId, review }]);

    // Every step is on record: the review row is append-only, and the auditor's calls are in the processing log.
    await expect(h.query("UPDATE break_glass_reviews SET verdict = 'niet-gerechtvaardigd' WHERE access_id = $1", [accessId])).rejects.toThrow(/append-only/);
    await expect(h.query('DELETE FROM break_glass_reviews WHERE access_id = $1', [accessId])).rejects.toThrow(/append-only/);
    const auditorLines = await h.query<{ operation: string; processing_activity: string; status_code: number }>(
      "SELECT operation, processing_activity, status_code FROM processing_log WHERE actor_id = 'auditor-fg' AND route LIKE '/v1/audit/break-glass%' ORDER BY id",
    );
    expect(auditorLines.filter((l) => l.operation === 'POST /v1/audit/break-glass/:id/review').map((l) => l.status_code)).toEqual([400, 400, 404, 201, 409]);
    expect(new Set(auditorLines.map((l) => l.processing_activity))).toEqual(new Set(['toetsing-doorbraaktoegang']));
  });

  it('pages through the queue with a cursor, oldest first', async () => {
    const user = 'coordinator-amsterdam-paging';
    const token = await amsterdam(user);
    for (let i = 0; i < 3; i++) expect((await h.request('GET', `/v1/cases/${caseId}`, { token, headers: glass(`${REASON} (${i + 1})`) })).status).toBe(200);
    const reasons = (await readToTheEnd(h, `/v1/audit/break-glass?actor=${user}&limit=2`, auditor)).items.map((i: any) => i.reason);
    expect(reasons).toEqual([1, 2, 3].map((i) => `${REASON} (${i})`));
    expect(problem(await h.request('GET', '/v1/audit/break-glass?cursor=bm90LWEtY3Vyc29y', { token: auditor }))).toEqual({ status: 400, code: 'VALIDATION.CURSOR_INVALID', problem: true });
    expect(problem(await h.request('GET', '/v1/audit/break-glass?status=closed', { token: auditor }))).toEqual({ status: 400, code: 'VALIDATION.FAILED', problem: true });
  });
});
