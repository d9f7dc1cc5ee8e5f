import { createHmac, createPublicKey, randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { routeHandlers } from '../support/route-handlers.js';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Role } from '#contracts';
import { isValidBsn } from '#domain';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, ROLES_KEY, SigningKeys, TOKEN_ROLES, type TokenRole } from '#security';
import { openedCase, walk as walkCase } from '../../apps/router/test/support/router-fixtures.js';
import { connectSse, type SseConnection } from '../../apps/tables/test/support/sse-client.js';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { NOT_PERSONAL } from '../../apps/audit/test/support/not-personal-routes.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';

/**
 * Access on every object (issue 6, item 5), walked over the whole product on real PostgreSQL and Kafka.
 *
 * Municipality A (Haaksbergen) gets realistic data through the API: a signal of each source (the reporter
 * identities go to the vault), a registered subject, an AVE case at AVE 3 referred to the ZVH casusoverleg and
 * a second AVE case at AVE 4 that raises a police escalation. Municipality B (Wierden) has nothing. Both are
 * Twente municipalities served by the same tables and escalation policy, so "same table, other municipality"
 * is part of the walk. Then every operation of `/openapi.json` is called
 *  1. by a user of every role of B, once with A's objects (path, query, header and body values) and once
 *     with random ones: the two answers must be the same (status, telling headers, problem code and body,
 *     echoed ids aside), never 2xx for A's object, lists empty without a next page, and no answer may carry
 *     A's personal values or ids; list routes also filtered by A's code (against a stranger's code), and
 *     lists and counts of B's own municipality must be empty and zero;
 *  2. by every role of A that the handler's `@Roles` does not list: 403 `AUTH.ROLE_NOT_ALLOWED`, nothing
 *     personal in the answer.
 * No walked request may append an event (each request has a token subject of its own, so an event names the
 * request), and A's event count must not move. Every call of step 1 by a role the route lets in, and every read
 * of A's own users (mostly 2xx, the liaison stream's connect among them), on a route that touches personal data
 * (marked `x-processing-activity`, or not listed in NOT_PERSONAL, so that a route that lost its
 * `@ProcessesPersonalData` is still checked) must have written a processing-log line (issue 5) naming that route
 * (`METHOD /fastify/:pattern`) and the request's own token subject, timed within the call; only an overload
 * refusal (503 SERVICE.OVERLOADED, refused before anything was read) is exempt. One query per test for them all.
 * Routes that are cross-municipality by design for a role are listed in CROSS_MUNICIPALITY with the reason. Also: the liaison SSE stream of B never delivers A's
 * escalations, tokens forged or out of date are refused at the HTTP edge, and POST bodies carrying
 * server-owned fields are refused with 400 and append nothing.
 */

const A = 'GM0158'; // Haaksbergen: served by the ZVH and the Twente escalation policy, used by no other test
const B = 'GM0189'; // Wierden: the same region, other municipality
const TABLE = 'zvh-casusoverleg';
const ROLES: readonly TokenRole[] = TOKEN_ROLES;
const CHUNK = 24;

/**
 * Cross-municipality by design, per route and role. Everything else must treat B's users as strangers to A.
 * - auditor on /v1/audit/*: the privacy officer / inspectorate replays and verifies the whole ledger across
 *   municipalities (auditor tokens need no municipalities; every read is in the processing log). They may
 *   see subject data in payloads, never a reporter's identity (that stays in the vault).
 * - admin on the /v1/audit/* routes that list admin (projection replays): operating the whole product,
 *   never reading subject data.
 * - auditor and admin on statistics and disclosures: aggregate counts and the disclosure register
 *   (pseudonymous subject reference, field names, payload hash) — accountability data without content.
 * An administrator's migration of a case to another model version is not among them: it changes a case, and a
 * change to a case is made for the municipality whose case it is (`writeScope`). Before, an administrator of any
 * municipality could migrate (and so read) every case.
 */
const CROSS_MUNICIPALITY: { route: RegExp; roles: Role[]; readsSubjectData: boolean }[] = [
  { route: /^(GET|POST) \/v1\/audit\//, roles: ['auditor'], readsSubjectData: true },
  { route: /^(GET|POST) \/v1\/audit\//, roles: ['admin'], readsSubjectData: false },
  { route: /^GET \/v1\/statistics\/(signals|cases|tables)$/, roles: ['auditor', 'admin'], readsSubjectData: false },
  { route: /^GET \/v1\/disclosures$/, roles: ['auditor', 'admin'], readsSubjectData: false },
];

/** The reporter vault: a read, though a POST (the reason goes in the body, never in the URL). */
const REPORTER_ACCESS = 'POST /v1/signals/{id}/reporter-access';

/**
 * Configuration and health: no municipal objects in them (the tables list names every Twente municipality). A
 * projection's kept generations are named by the projection (configuration), not by anything of a municipality.
 */
const STATIC_ROUTES = [/^GET \/health\//, /^GET \/v1\/tables$/, /^(GET|POST) \/v1\/models(\/|$)/, /^GET \/v1\/audit\/projections$/, /^(GET|DELETE) \/v1\/audit\/projections\/\{name\}\/previous$/];

/** Filters some list routes need that the OpenAPI document does not list (their DTOs are read from a raw @Query). */
const EXTRA_QUERY: Record<string, (v: Values) => Record<string, string>> = {
  'GET /v1/statistics/signals': (v) => ({ municipality: v.municipality }),
  'GET /v1/statistics/cases': (v) => ({ municipality: v.municipality }),
  'GET /v1/statistics/tables': (v) => ({ municipality: v.municipality }),
  'GET /v1/audit/processing-log': (v) => ({ subject: v.signal }),
};

interface Operation {
  method: string;
  path: string;
  key: string;
  op: Record<string, any>;
  /** From the handler's `@Roles` (method over class); undefined: every authenticated role. */
  roles: readonly Role[] | undefined;
}

/** What a walked request fills in: A's objects, or random stand-ins. */
interface Values {
  signal: string;
  caseId: string;
  subject: string;
  referral: string;
  escalation: string;
  feedEvent: string;
  municipality: string;
  stream: string;
}

interface Answer {
  status: number;
  /** The headers that could tell two answers apart (content type, ETag, Location, replay marker). */
  headers: Record<string, string | null>;
  contentType: string | null;
  text: string;
  body: any;
  /** When the request was sent and its answer read (ms since the epoch, the product's clock: same machine). */
  startedAt: number;
  endedAt: number;
}

interface Seed {
  signals: { mma: string; intern: string; zorg: string; zorg2: string };
  subject: string;
  case1: string;
  case2: string;
  referral: string;
  escalation: string;
  feedEvents: string[];
  /** Personal values of A, by class. */
  personal: { subject: string[]; description: string[]; reporter: string[]; bsn: string };
  ids: string[];
}

let h: AppHarness;
let openapi: any;
let operations: Operation[];
let seed: Seed;
let coordinatorA: string;
let liaisonA: string;
let liveA: SseConnection;
let liveB: SseConnection;
const streams: SseConnection[] = [];
/** Token subject → what the request was, to name the request behind any event it appended. */
const walked = new Map<string, string>();
let requestNo = 0;
const unmappedParams = new Set<string>();

const tag = () => randomUUID().slice(0, 8);
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

function validBsn(): string {
  for (;;) {
    const candidate = String(randomInt(100_000_000, 999_999_999));
    if (isValidBsn(candidate)) return candidate;
  }
}

/** A municipality code nobody in this test has data or rights in. */
function strangerMunicipality(): string {
  for (;;) {
    const m = `GM9${String(randomInt(0, 1000)).padStart(3, '0')}`;
    if (m !== A && m !== B) return m;
  }
}

async function tokenFor(role: TokenRole, municipality: string, label: string): Promise<{ token: string; subject: string }> {
  const subject = `walk-${++requestNo}`;
  walked.set(subject, label);
  const token = await h.token(role, [municipality], { subject, tables: role === 'table-member' ? [TABLE] : undefined });
  return { token, subject };
}

/** One HTTP request; server-sent-event answers are read for a moment and then dropped. */
async function send(method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const startedAt = Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 15_000);
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(new URL(path, h.url), { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body), signal: controller.signal });
    const contentType = res.headers.get('content-type');
    let text = '';
    if (contentType?.startsWith('text/event-stream')) {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      const until = Date.now() + 400;
      for (;;) {
        const left = until - Date.now();
        if (left <= 0) break;
        const chunk = await Promise.race([reader.read(), new Promise<null>((resolve) => setTimeout(() => resolve(null), left))]);
        if (chunk === null || chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
      controller.abort();
    } else {
      text = await res.text();
    }
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const telling = Object.fromEntries(['content-type', 'etag', 'location', 'idempotent-replayed'].map((name) => [name, res.headers.get(name)]));
    return { status: res.status, headers: telling, contentType, text, body, startedAt, endedAt: Date.now() };
  } finally {
    clearTimeout(timer);
  }
}

async function inChunks<T, R>(items: T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(...(await Promise.all(items.slice(i, i + CHUNK).map(run))));
  return out;
}

/** Every controller method of the running process with its roles, keyed `METHOD /path/{param}` like the OpenAPI document. */
function rolesByRoute(): Map<string, readonly Role[] | undefined> {
  const found = new Map<string, readonly Role[] | undefined>();
  for (const [route, { controller, handler }] of routeHandlers(h.running.app)) {
    found.set(route, (Reflect.getMetadata(ROLES_KEY, handler) ?? Reflect.getMetadata(ROLES_KEY, controller)) as readonly Role[] | undefined);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// Building requests from the OpenAPI document

interface Built {
  url: string;
  body: unknown;
  headers: Record<string, string>;
  /** Whether an object of A is referenced anywhere in the request. */
  refersToA: boolean;
  /** Every value filled in (to tell an echo of the request from a leak). */
  sent: string[];
}

/** Which of A's objects a path's `{id}` names. */
function idsFor(path: string, v: Values): string {
  if (path.startsWith('/v1/signals/')) return v.signal;
  if (path.startsWith('/v1/cases/') || path.startsWith('/v1/audit/cases/')) return v.caseId;
  if (path.startsWith('/v1/subjects/')) return v.subject;
  if (path.startsWith('/v1/liaison/escalations/')) return v.escalation;
  if (/^\/v1\/tables\/[^/]+\/referrals\//.test(path)) return v.referral;
  if (path.startsWith('/v1/models/')) return 'ave';
  unmappedParams.add(`${path} {id}`);
  return randomUUID();
}

/** A value for a named field or parameter; `true` in the second slot when it is one of A's objects. */
function valueFor(name: string, v: Values, path: string): [unknown, boolean] | undefined {
  switch (name) {
    case 'signalId':
      return [v.signal, true];
    case 'signalIds':
      return [[v.signal], true];
    case 'subjectId':
      return [v.subject, true];
    case 'caseId':
      return [v.caseId, true];
    case 'municipality':
      return [v.municipality, true];
    case 'streamId':
      return [v.stream, true];
    case 'last-event-id':
      return [v.feedEvent, true];
    case 'table':
      return [TABLE, false];
    case 'version':
      return path.startsWith('/v1/models/') ? ['1', false] : undefined;
    case 'reason':
      return ['Controle door de toegangstest', false];
    case 'reasonCategory':
      return ['complexiteit', false];
    case 'text':
      return ['Notitie van de toegangstest', false];
    case 'receivedAt':
      return [minutesAgo(5), false];
    case 'externalRef':
      return [`WALK-${tag()}`, false];
    case 'stateMapping':
      return [{}, false];
    case 'toVersion':
      return [1, false];
    default:
      return undefined;
  }
}

function resolve(doc: any, schema: any): any {
  let s = schema;
  while (s?.$ref) s = s.$ref.split('/').slice(1).reduce((o: any, k: string) => o?.[k], doc);
  return s;
}

/** A minimal valid instance of a request schema: required members, plus optional ones we have a value for. */
function sample(doc: any, schema: any, v: Values, path: string, flags: { a: boolean; sent: string[] }, name?: string): unknown {
  if (name !== undefined) {
    const known = valueFor(name, v, path);
    if (known) {
      if (known[1]) flags.a = true;
      flags.sent.push(...[known[0]].flat().filter((x): x is string => typeof x === 'string'));
      return known[0];
    }
  }
  const s = resolve(doc, schema) ?? {};
  if (s.example !== undefined) return s.example;
  if (s.enum) return s.enum[0];
  if (s.type === 'array') return [sample(doc, s.items, v, path, flags)];
  if (s.type === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    for (const [prop, propSchema] of Object.entries<any>(s.properties ?? {})) {
      if ((s.required ?? []).includes(prop) || valueFor(prop, v, path)) out[prop] = sample(doc, propSchema, v, path, flags, prop);
    }
    return out;
  }
  if (s.format === 'uuid') return randomUUID();
  if (s.format === 'date') return '2026-12-31';
  if (s.format === 'date-time') return minutesAgo(5);
  if (s.type === 'number' || s.type === 'integer') return 1;
  if (s.type === 'boolean') return true;
  return 'waarde';
}

/** `byMunicipality`: also filter by `?municipality=` (A's code, or a stranger's), as list routes allow. */
function build(doc: any, operation: Operation, v: Values, byMunicipality = false): Built {
  const flags = { a: false, sent: [] as string[] };
  let url = operation.path;
  const query: Record<string, string> = {};
  const headers: Record<string, string> = {};
  for (const p of (operation.op.parameters ?? []) as { in: string; name: string; required?: boolean }[]) {
    if (p.in === 'path') {
      const known = valueFor(p.name, v, operation.path);
      let value: string;
      if (p.name === 'id') {
        value = idsFor(operation.path, v);
        flags.a ||= seed.ids.includes(value);
      } else if (known) {
        value = String(known[0]);
        flags.a ||= known[1];
      } else {
        unmappedParams.add(`${operation.path} {${p.name}}`);
        value = randomUUID();
      }
      flags.sent.push(value);
      url = url.replace(`{${p.name}}`, encodeURIComponent(value));
    } else if (p.in === 'query' && p.required) {
      query[p.name] = String(sample(doc, {}, v, operation.path, flags, p.name));
    } else if (p.in === 'header' && p.name.toLowerCase() === 'last-event-id') {
      headers['last-event-id'] = String(sample(doc, {}, v, operation.path, flags, 'last-event-id'));
    }
  }
  for (const [k, value] of Object.entries(EXTRA_QUERY[operation.key]?.(v) ?? {})) {
    query[k] = value;
    flags.sent.push(value);
    flags.a = true;
  }
  if (byMunicipality) {
    query.municipality = v.municipality;
    flags.sent.push(v.municipality);
    flags.a = true;
  }
  const qs = new URLSearchParams(query).toString();
  const schema = operation.op.requestBody?.content?.['application/json']?.schema;
  const body = operation.method === 'GET' ? undefined : schema ? sample(doc, schema, v, operation.path, flags) : {};
  return { url: qs ? `${url}?${qs}` : url, body, headers, refersToA: flags.a, sent: flags.sent };
}

// ---------------------------------------------------------------------------------------------------------
// Seeding municipality A

async function seedA(): Promise<Seed> {
  const t = tag();
  const intake = await h.token('intake-system', [A], { subject: 'connector-haaksbergen' });
  const bsn = validBsn();
  const personName = `Jansje Walkers-${t}`;
  const address = `Walkstraat ${randomInt(1, 999)}-${t}`;
  const zorgConcern = `Verward gedrag, vervuilde woning ${t}`;
  const mmaDescription = `Hennepkwekerij op zolder bij de molen ${t}`;
  const internDescription = `Contante betalingen voor vergunning ${t}`;
  const involvedName = `Snackbar De Walk ${t}`;
  const internReporter = { employeeId: `E-walk-${t}`, department: `Vergunningen-${t}` };
  const zorgReporter = { name: `Melder Walkman-${t}`, contact: `melder-${t}@example.nl`, relation: 'familie' };
  const zorgReporter2 = { name: `Buurvrouw Walk-${t}`, contact: `06-${randomInt(10_000_000, 99_999_999)}`, relation: 'buurtbewoner' };
  const post = async (source: string, body: unknown) => {
    const res = await h.request('POST', `/v1/signals/${source}`, { token: intake, body });
    expect({ source, status: res.status, code: res.body?.code }).toEqual({ source, status: 201, code: undefined });
    return res.body.signalId as string;
  };
  const zorgBody = (reporter: typeof zorgReporter, concern: string) => ({
    subject: { name: personName, birthDate: '1980-05-17', bsn, address },
    concern,
    urgency: 'hoog',
    wvggz: false,
    location: { municipality: A },
    reporter,
  });
  const [mma, intern, zorg, zorg2] = await Promise.all([
    post('mma', { externalRef: `MMA-${t}`, receivedAt: minutesAgo(30), theme: 'drugs', description: mmaDescription, location: { municipality: A, area: 'Centrum' } }),
    post('intern-meldpunt', {
      description: internDescription,
      indicators: ['contante betalingen'],
      location: { municipality: A, address: `Marktplein 3-${t}`, postcode: '7481 HR' },
      involved: { kind: 'business', name: involvedName, kvkNumber: '12345678' },
      reporter: internReporter,
    }),
    post('zorgmelding', zorgBody(zorgReporter, zorgConcern)),
    post('zorgmelding', zorgBody(zorgReporter2, `${zorgConcern}, opnieuw`)),
  ]);

  const subject = await h.request('POST', '/v1/subjects', { token: coordinatorA, body: { kind: 'person', municipality: A, name: personName, birthDate: '1980-05-17', bsn, address } });
  expect(subject.status).toBe(201);
  const subjectId: string = subject.body.subjectId;
  // The router learns of signals over Kafka: link once it knows the signal.
  await waitFor(async () => {
    const res = await h.request('POST', `/v1/signals/${zorg}/subject`, { token: coordinatorA, body: { subjectId } });
    return res.status === 200 ? res : undefined;
  }, { what: 'the zorgmelding linked to its subject' });

  const opschalen = (transition: string, reasonCategory = 'complexiteit') => ({ transition, reasonCategory, reason: 'Problemen op meerdere leefgebieden' });
  const first = await openedCase(h, coordinatorA, { model: 'ave', signalIds: [zorg], subjectId });
  const case1: string = first.body.caseId;
  await walkCase(h, coordinatorA, case1, first.headers.get('etag')!, [opschalen('opschalen-ave-2'), opschalen('opschalen-ave-3')]);
  const sharedNote = `Huisbezoek bij ${personName} afgesproken`;
  const measure = `Schuldhulp voor ${personName} via de wijkcoach`;
  for (const [route, body] of [
    ['notes', { text: `Gesprek met ${personName} gevoerd`, visibility: 'intern' }],
    ['notes', { text: sharedNote, visibility: 'deelbaar' }],
    ['plan', { measures: [{ type: 'zorg', description: measure, owner: 'wijkcoach', dueDate: '2027-03-31' }] }],
  ] as const) {
    expect((await h.request('POST', `/v1/cases/${case1}/${route}`, { token: coordinatorA, body })).status).toBe(200);
  }
  const referred = await h.request('POST', `/v1/cases/${case1}/referrals`, { token: coordinatorA, body: { table: TABLE, reason: 'Complexe problematiek, meerdere ketens' } });
  expect(referred.status).toBe(200);
  const referral: string = referred.body.referrals.at(-1).referralId;

  // Both liaison streams are open before A's escalation is raised.
  liveA = await connectSse(h.url, '/v1/liaison/escalations/stream', liaisonA);
  liveB = await connectSse(h.url, '/v1/liaison/escalations/stream', await h.token('police-liaison', [B], { subject: 'agent-wierden' }));
  streams.push(liveA, liveB);
  expect([liveA.status, liveB.status]).toEqual([200, 200]);
  const second = await openedCase(h, coordinatorA, { model: 'ave', signalIds: [zorg2] });
  const case2: string = second.body.caseId;
  await walkCase(h, coordinatorA, case2, second.headers.get('etag')!, [opschalen('opschalen-ave-2'), opschalen('opschalen-ave-3'), opschalen('opschalen-ave-4', 'veiligheid')]);
  const escalation = await waitFor(async () => (await h.query<{ escalation_id: string }>('SELECT escalation_id FROM liaison_escalations WHERE case_id = $1', [case2]))[0]?.escalation_id, { what: 'the AVE 4 escalation' });
  await liveA.waitFor((e) => e.data.escalationId === escalation && e.event === 'EscalationTierNotified', { what: "A's liaison stream to deliver the escalation" });

  // Settled before the walk: every signal in the triage queue and known to the router, the referral
  // registered and disclosed, the escalation's first tier notified.
  for (const signal of [mma, intern, zorg, zorg2]) {
    for (const path of [`/v1/signals/${signal}`, `/v1/signals/${signal}/subject-suggestions`]) {
      await waitFor(async () => (await h.request('GET', path, { token: coordinatorA })).status === 200, { what: `${path} for A's coordinator` });
    }
  }
  await waitFor(async () => (await h.query('SELECT 1 FROM table_referrals WHERE referral_id = $1', [referral])).length > 0, { what: 'the referral in the register' });
  await waitFor(async () => (await h.query('SELECT 1 FROM table_disclosures WHERE case_id = $1', [case1])).length > 0, { what: 'the disclosure of the referral' });
  const feed = await h.query<{ event_id: string }>('SELECT event_id FROM liaison_feed WHERE escalation_id = $1 ORDER BY seq', [escalation]);

  return {
    signals: { mma, intern, zorg, zorg2 },
    subject: subjectId,
    case1,
    case2,
    referral,
    escalation,
    feedEvents: feed.map((f) => f.event_id),
    personal: {
      subject: [personName, address, zorgConcern, sharedNote, measure],
      description: [mmaDescription, internDescription, involvedName],
      reporter: [internReporter.employeeId, internReporter.department, zorgReporter.name, zorgReporter.contact, zorgReporter2.name, zorgReporter2.contact],
      bsn,
    },
    ids: [mma, intern, zorg, zorg2, subjectId, case1, case2, referral, escalation],
  };
}

/** The sets of A's objects a route is walked with (a signal route with every source, a case route with both cases). */
function aValues(operation: Operation): Values[] {
  const base: Values = {
    signal: seed.signals.zorg,
    caseId: seed.case1,
    subject: seed.subject,
    referral: seed.referral,
    escalation: seed.escalation,
    feedEvent: seed.feedEvents[0]!,
    municipality: A,
    stream: `signal-${seed.signals.zorg}`,
  };
  if (operation.path.startsWith('/v1/signals/{id}')) return [seed.signals.mma, seed.signals.intern, seed.signals.zorg].map((signal) => ({ ...base, signal, stream: `signal-${signal}` }));
  if (operation.path.startsWith('/v1/cases/{id}') || operation.path.startsWith('/v1/audit/cases/{id}')) return [seed.case1, seed.case2].map((caseId) => ({ ...base, caseId }));
  if (operation.path.includes('{streamId}')) return [`signal-${seed.signals.intern}`, `signal-${seed.signals.zorg}`, `case-${seed.case1}`, `subject-${seed.subject}`].map((stream) => ({ ...base, stream }));
  return [base];
}

function randomValues(): Values {
  const id = randomUUID();
  return { signal: id, caseId: id, subject: id, referral: id, escalation: id, feedEvent: id, municipality: strangerMunicipality(), stream: `signal-${id}` };
}

// ---------------------------------------------------------------------------------------------------------
// Judging answers

/** The cross-municipality rule for this route and role, if the route lets the role in at all. */
const crossFor = (operation: Operation, role: Role) =>
  operation.roles?.includes(role) ? CROSS_MUNICIPALITY.find((c) => c.route.test(operation.key) && c.roles.includes(role)) : undefined;
const isStatic = (operation: Operation) => STATIC_ROUTES.some((r) => r.test(operation.key));

/**
 * Whether every call of a route must be in the processing log: marked `x-processing-activity` in the document, or
 * not listed as touching no personal data (a route that lost its `@ProcessesPersonalData` loses its mark too).
 */
const processesPersonalData = (operation: Operation) => operation.op['x-processing-activity'] !== undefined || !NOT_PERSONAL.some((re) => re.test(operation.path));
/** The route a processing-log line names: Fastify's pattern of the OpenAPI path (`/v1/cases/{id}` → `/v1/cases/:id`). */
const loggedRoute = (operation: Operation) => operation.path.replace(/\{([^}]+)\}/g, ':$1');
/** Refused before anything was read or stored (admission control): the one answer the interceptor does not log. */
const overloaded = (answer: Answer) => answer.status === 503 && answer.body?.code === 'SERVICE.OVERLOADED';

/** A call the processing log must show: of a personal-data route, by a role the route lets in, with a token subject of its own. */
interface DueLine {
  operation: Operation;
  actor: string;
  label: string;
  answer: Answer;
}

function dueALine(due: DueLine[], operation: Operation, role: Role, actor: string, label: string, answer: Answer): void {
  if (processesPersonalData(operation) && (operation.roles === undefined || operation.roles.includes(role))) due.push({ operation, actor, label, answer });
}

/**
 * What is missing from the processing log (issue 5), in one query: for each of `operations`, every call in `due`
 * (overload refusals aside, and at least one) must have written a line naming the route (`METHOD /fastify/:pattern`)
 * and the call's own token subject, timed within the call: written by that call, before its answer.
 */
async function missingLines(due: DueLine[], operations: Operation[]): Promise<string[]> {
  const lines = await h.query<{ actor_id: string; operation: string; route: string; started_ms: number; ended_ms: number }>(
    'SELECT actor_id, operation, route, (extract(epoch FROM started_at) * 1000)::float8 AS started_ms, (extract(epoch FROM ended_at) * 1000)::float8 AS ended_ms FROM processing_log WHERE actor_id = ANY($1::text[])',
    [due.map((c) => c.actor)],
  );
  const linesBy = new Map<string, typeof lines>();
  for (const line of lines) linesBy.set(line.actor_id, [...(linesBy.get(line.actor_id) ?? []), line]);
  const missing: string[] = [];
  for (const operation of operations) {
    const route = loggedRoute(operation);
    const calls = due.filter((c) => c.operation === operation);
    const reached = calls.filter((c) => !overloaded(c.answer));
    if (reached.length === 0) {
      missing.push(`${operation.key}: touches personal data, but no call by a role it lets in reached it (${calls.length} refused as overloaded): its processing log went unchecked`);
      continue;
    }
    const unlogged = reached.filter(
      (c) => !(linesBy.get(c.actor) ?? []).some((l) => l.route === route && l.operation === `${operation.method} ${route}` && l.started_ms >= c.answer.startedAt && l.ended_ms <= c.answer.endedAt),
    );
    if (unlogged.length > 0) {
      const first = unlogged[0]!;
      const other = (linesBy.get(first.actor) ?? []).map((l) => l.operation);
      missing.push(
        `${operation.key}: ${unlogged.length} of ${reached.length} calls by roles it lets in wrote no processing-log line for ${operation.method} ${route} and the caller, e.g. ${first.label} → ${first.answer.status} ${first.answer.body?.code ?? ''}${other.length > 0 ? ` (that caller's lines: ${other.join(', ')})` : ''}`,
      );
    }
  }
  return missing;
}

/**
 * Personal values of A that a user of B, or of a role the route does not list, may not see: all of them,
 * except subject data on the auditor's cross-municipality routes. A reporter's identity never.
 */
function forbiddenValues(operation: Operation, role: Role): string[] {
  const p = seed.personal;
  const subjectData = crossFor(operation, role)?.readsSubjectData === true;
  return [...p.reporter, ...(subjectData ? [] : [...p.subject, ...p.description, p.bsn])];
}

/** The answer with everything that only echoes the request replaced, for comparing two answers. */
function normalized(answer: Answer, sent: string[]): string {
  const body = answer.body && typeof answer.body === 'object' ? { ...answer.body, instance: undefined, traceId: undefined } : answer.text;
  let text = JSON.stringify({ status: answer.status, headers: answer.headers, body }) ?? '';
  for (const value of [...sent].sort((x, y) => y.length - x.length)) if (value.length >= 6) text = text.split(value).join('<sent>');
  return text.replace(/GM\d{4}/g, '<municipality>').replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>');
}

function listOf(body: any): unknown[] | undefined {
  if (Array.isArray(body)) return body;
  if (body && typeof body === 'object') {
    for (const key of ['items', 'suggestions', 'steps']) if (Array.isArray(body[key])) return body[key];
  }
  return undefined;
}

/** Every number in an answer (counts, in a statistics answer). */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

function personalLeaks(text: string, forbidden: string[]): string[] {
  return forbidden.filter((value) => text.includes(value));
}

function idLeaks(text: string, sent: string[]): string[] {
  return seed.ids.filter((id) => !sent.includes(id) && !sent.some((s) => s.includes(id)) && text.includes(id));
}

// ---------------------------------------------------------------------------------------------------------

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  coordinatorA = await h.token('coordinator', [A], { subject: 'coordinator-haaksbergen' });
  liaisonA = await h.token('police-liaison', [A], { subject: 'agent-haaksbergen' });
  seed = await seedA();
  const doc = await h.request('GET', '/openapi.json');
  expect(doc.status).toBe(200);
  openapi = doc.body;
  const roles = rolesByRoute();
  operations = Object.entries(doc.body.paths as Record<string, Record<string, any>>).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => {
        const key = `${method.toUpperCase()} ${path}`;
        return { method: method.toUpperCase(), path, key, op, roles: roles.get(key) };
      }),
  );
}, 120_000);

afterAll(async () => {
  streams.forEach((s) => s.close());
  await h?.stop();
});

describe('every operation of the OpenAPI document, as users of another municipality and of other roles', () => {
  it('finds the routes, and every /v1 route names the roles it lets in (@Roles)', () => {
    expect(operations.length).toBeGreaterThan(30);
    const keys = operations.map((o) => o.key);
    expect(keys).toEqual(expect.arrayContaining(['GET /v1/signals/{id}', 'POST /v1/cases/{id}/transitions', 'GET /v1/liaison/escalations/stream', 'GET /v1/tables/{table}/referrals/{id}']));
    const unprotected = operations.filter((o) => o.path.startsWith('/v1/') && o.roles === undefined).map((o) => o.key);
    expect(unprotected).toEqual([]);
  });

  it('leaks nothing of A to B and nothing to roles a route does not list; appends nothing; logs every call of a personal-data route', async () => {
    const doc = openapi;
    const eventsOfA = async () => Number((await h.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE municipality = $1', [A]))[0]!.n);
    const before = await eventsOfA();
    const failures: string[] = [];
    const counted = { requests: 0, bOfA: 0, wrongRole: 0 };
    /** Calls of step 1 that must have written a processing-log line: personal-data routes, by roles they let in. */
    const logDue: DueLine[] = [];

    // 1. Every role of B: A's objects against random ones; lists filtered by A's code against a stranger's;
    //    lists and counts of B's own (empty) municipality.
    const isList = (o: Operation) => o.method === 'GET' && !o.path.includes('{') && !isStatic(o) && !EXTRA_QUERY[o.key];
    type Mode = 'objects' | 'by-municipality' | 'own';
    const bCalls = operations.flatMap((operation) =>
      ROLES.flatMap((role) => [
        ...aValues(operation).map((values) => ({ operation, role, values, mode: 'objects' as Mode })),
        ...(isList(operation) ? [{ operation, role, values: aValues(operation)[0]!, mode: 'by-municipality' as Mode }] : []),
        ...(isList(operation) || EXTRA_QUERY[operation.key]?.(randomValues()).municipality ? [{ operation, role, values: { ...randomValues(), municipality: B }, mode: 'own' as Mode }] : []),
      ]),
    );
    // Reads first: a write B may make in its own municipalities (an administrator's retention run) would otherwise
    // show up in a later read of B's lists, depending on where the chunks happen to fall.
    bCalls.sort((x, y) => Number(x.operation.method !== 'GET') - Number(y.operation.method !== 'GET'));
    await inChunks(bCalls, async ({ operation, role, values, mode }) => {
      const label = `${operation.key}${mode === 'objects' ? '' : ` (${mode})`} as ${role} of ${B}`;
      const byMunicipality = mode !== 'objects' && isList(operation);
      const cross = crossFor(operation, role);
      if (mode === 'own') {
        // B has no data (yet): whatever B may list or count there is empty.
        const built = build(doc, operation, values, byMunicipality);
        const user = await tokenFor(role, B, label);
        const res = await send(operation.method, built.url, { token: user.token, headers: built.headers });
        counted.requests++;
        dueALine(logDue, operation, role, user.subject, label, res);
        const where = `${label} → ${res.status} ${res.body?.code ?? ''} [${built.url}]`;
        if (res.status >= 200 && res.status < 300) {
          if ((listOf(res.body)?.length ?? 0) > 0 || res.body?.nextCursor) failures.push(`${where}: lists something in B, which has nothing`);
          if (numbersIn(res.body).some((n) => n !== 0)) failures.push(`${where}: counts something in B, which has nothing: ${res.text.slice(0, 300)}`);
        }
        for (const value of personalLeaks(res.text, forbiddenValues(operation, role))) failures.push(`${where}: answer carries A's personal value "${value}"`);
        for (const id of idLeaks(res.text, built.sent)) failures.push(`${where}: answer names A's object ${id}`);
        return;
      }
      const ofA = build(doc, operation, values, byMunicipality);
      const ofNobody = build(doc, operation, randomValues(), byMunicipality);
      const [ua, ur] = await Promise.all([tokenFor(role, B, `${label} (A's objects)`), tokenFor(role, B, `${label} (random ids)`)]);
      const [ra, rr] = await Promise.all([
        send(operation.method, ofA.url, { token: ua.token, body: ofA.body, headers: ofA.headers }),
        send(operation.method, ofNobody.url, { token: ur.token, body: ofNobody.body, headers: ofNobody.headers }),
      ]);
      counted.requests += 2;
      counted.bOfA++;
      dueALine(logDue, operation, role, ua.subject, `${label} (A's objects)`, ra);
      dueALine(logDue, operation, role, ur.subject, `${label} (random ids)`, rr);
      const where = `${label} → ${ra.status} ${ra.body?.code ?? ''} [${ofA.url}]`;
      for (const value of personalLeaks(ra.text, forbiddenValues(operation, role))) failures.push(`${where}: answer carries A's personal value "${value}"`);
      if (!isStatic(operation) && mode === 'objects' && operation.roles?.includes(role) && ra.status === 400 && String(ra.body?.code).startsWith('VALIDATION.')) {
        failures.push(`${where}: the walk's request never reached the object check (teach the walk a valid body): ${ra.text.slice(0, 300)}`);
      }
      if (!isStatic(operation) && !cross) {
        for (const id of idLeaks(ra.text, ofA.sent)) failures.push(`${where}: answer names A's object ${id}`);
        if (ra.text.includes(A) && !ofA.sent.includes(A)) failures.push(`${where}: answer names municipality A`);
        const list = listOf(ra.body);
        if (ra.status >= 200 && ra.status < 300) {
          if (list && list.length > 0) failures.push(`${where}: a list with ${list.length} item(s) of A`);
          else if (!list && ofA.refersToA) failures.push(`${where}: 2xx for an object of A`);
          if (ra.body?.nextCursor) failures.push(`${where}: a next page`);
        }
        if (normalized(ra, ofA.sent) !== normalized(rr, ofNobody.sent)) {
          failures.push(`${where}: differs from the answer for random ids (${rr.status} ${rr.body?.code ?? ''}): ${normalized(ra, ofA.sent).slice(0, 300)} vs ${normalized(rr, ofNobody.sent).slice(0, 300)}`);
        }
      }
    });

    // 2. Every role of A the handler does not list.
    const wrongCalls = operations.flatMap((operation) =>
      ROLES.filter((role) => operation.roles !== undefined && !operation.roles.includes(role)).flatMap((role) => aValues(operation).map((values) => ({ operation, role, values }))),
    );
    await inChunks(wrongCalls, async ({ operation, role, values }) => {
      const label = `${operation.key} as ${role} of ${A} (not in @Roles ${operation.roles!.join(', ')})`;
      const built = build(doc, operation, values);
      const user = await tokenFor(role, A, label);
      const res = await send(operation.method, built.url, { token: user.token, body: built.body, headers: built.headers });
      counted.requests++;
      counted.wrongRole++;
      const where = `${label} → ${res.status} ${res.body?.code ?? ''}`;
      if (res.status !== 403 || res.body?.code !== 'AUTH.ROLE_NOT_ALLOWED') failures.push(`${where}: expected 403 AUTH.ROLE_NOT_ALLOWED`);
      for (const value of personalLeaks(res.text, forbiddenValues(operation, role))) failures.push(`${where}: answer carries A's personal value "${value}"`);
      for (const id of idLeaks(res.text, built.sent)) failures.push(`${where}: answer names A's object ${id}`);
    });

    // 3. Nothing appended: not by any walked request (each has its own token subject), and nothing in A at all.
    const appended = await h.query<{ actor_id: string; type: string; stream_id: string }>("SELECT actor_id, type, stream_id FROM events WHERE actor_id LIKE 'walk-%'");
    for (const e of appended) failures.push(`${walked.get(e.actor_id)}: appended ${e.type} to ${e.stream_id}`);
    const after = await eventsOfA();
    if (after !== before) {
      const fresh = await h.query<{ actor_id: string; type: string }>('SELECT actor_id, type FROM events WHERE municipality = $1 ORDER BY position DESC LIMIT $2', [A, after - before]);
      failures.push(`A's events went from ${before} to ${after}: ${fresh.map((e) => `${e.type} by ${e.actor_id}`).join(', ')}`);
    }

    // 4. The processing log (issue 5): every call of step 1 by a role a personal-data route lets in wrote its line.
    const personal = operations.filter(processesPersonalData);
    failures.push(...(await missingLines(logDue, personal)));

    process.stderr.write(
      `[access-walk] ${operations.length} operations, ${counted.requests} requests (${counted.bOfA} pairs as B, ${counted.wrongRole} as wrong roles of A); ${logDue.length} calls of ${personal.length} personal-data operations checked against the processing log; unmapped params: ${[...unmappedParams].join(', ') || 'none'}\n`,
    );
    expect(failures).toEqual([]);
  }, 120_000);
});

describe("A's own users, on every read they are allowed", () => {
  it('reach the seeded objects, and see a reporter only in the vault and a BSN only as coordinator or auditor; every read is logged', async () => {
    const doc = openapi;
    const failures: string[] = [];
    const calls = operations
      .filter((o) => (o.method === 'GET' || o.key === REPORTER_ACCESS) && !isStatic(o))
      .flatMap((operation) => (operation.roles ?? ROLES).flatMap((role) => aValues(operation).map((values) => ({ operation, role: role as TokenRole, values }))));
    const logDue: DueLine[] = [];
    await inChunks(calls, async ({ operation, role, values }) => {
      const built = build(doc, operation, values);
      // A token subject per request: the processing-log line of each read names it.
      const subject = `entitled-${role}-${++requestNo}`;
      const user = await h.token(role, [A], { subject, tables: role === 'table-member' ? [TABLE] : undefined });
      const res = await send(operation.method, built.url, { token: user, body: built.body, headers: built.headers });
      const where = `${operation.key} as ${role} of ${A} → ${res.status} ${res.body?.code ?? ''} [${built.url}]`;
      dueALine(logDue, operation, role, subject, `${operation.key} as ${role} of ${A} [${built.url}]`, res);
      // An MMA tip is anonymous: there is no reporter to read.
      const noReporter = operation.key === REPORTER_ACCESS && values.signal === seed.signals.mma;
      if (noReporter ? res.status !== 404 : res.status < 200 || res.status >= 300) failures.push(`${where}: the walk's object of A is not reachable for its own user`);
      const reporterHere = role === 'coordinator' && operation.key === REPORTER_ACCESS;
      for (const value of seed.personal.reporter) if (!reporterHere && res.text.includes(value)) failures.push(`${where}: carries reporter identity "${value}"`);
      if (!['coordinator', 'auditor'].includes(role) && res.text.includes(seed.personal.bsn)) failures.push(`${where}: carries the BSN`);
    });
    // Mostly 2xx here (the walk above mostly sees refusals): each read wrote its processing-log line, the stream's connect too.
    failures.push(...(await missingLines(logDue, [...new Set(calls.map((c) => c.operation))].filter(processesPersonalData))));
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('POST bodies with server-owned fields', () => {
  it('are refused with 400 VALIDATION.FAILED naming the field, and append nothing', async () => {
    const intake = await h.token('intake-system', [A], { subject: 'mass-intake' });
    const coordinator = await h.token('coordinator', [A], { subject: 'mass-coordinator' });
    const member = await h.token('table-member', [A], { subject: 'mass-member', tables: [TABLE] });
    const mma = { externalRef: `MMA-${tag()}`, receivedAt: minutesAgo(10), theme: 'drugs', description: 'Verdachte handel bij het station', location: { municipality: A } };
    const cases: [string, string, string, Record<string, unknown>, string][] = [
      ['POST', '/v1/signals/mma', intake, mma, 'status'],
      ['POST', '/v1/signals/mma', intake, mma, 'signalId'],
      ['POST', '/v1/signals/mma', intake, mma, 'municipality'],
      ['POST', '/v1/subjects', coordinator, { kind: 'address', municipality: A, address: 'Molenstraat 1' }, 'version'],
      ['POST', '/v1/subjects', coordinator, { kind: 'address', municipality: A, address: 'Molenstraat 1' }, 'subjectId'],
      ['POST', '/v1/cases', coordinator, { model: 'ave', signalIds: [seed.signals.mma] }, 'caseId'],
      ['POST', '/v1/cases', coordinator, { model: 'ave', signalIds: [seed.signals.mma] }, 'municipality'],
      ['POST', '/v1/cases', coordinator, { model: 'ave', signalIds: [seed.signals.mma] }, 'status'],
      ['POST', '/v1/cases', coordinator, { model: 'ave', signalIds: [seed.signals.mma] }, 'version'],
      ['POST', `/v1/cases/${seed.case1}/notes`, coordinator, { text: 'Overleg gepland', visibility: 'deelbaar' }, 'version'],
      ['POST', `/v1/cases/${seed.case1}/notes`, coordinator, { text: 'Overleg gepland', visibility: 'deelbaar' }, 'caseId'],
      ['POST', `/v1/cases/${seed.case1}/transitions`, coordinator, { transition: 'afschalen-ave-2', reason: 'Situatie stabiel' }, 'status'],
      ['POST', `/v1/cases/${seed.case1}/transitions`, coordinator, { transition: 'afschalen-ave-2', reason: 'Situatie stabiel' }, 'version'],
      ['POST', `/v1/signals/${seed.signals.mma}/dismissal`, coordinator, { reason: 'Geen gemeentelijke taak' }, 'status'],
      ['POST', `/v1/signals/${seed.signals.mma}/dismissal`, coordinator, { reason: 'Geen gemeentelijke taak' }, 'signalId'],
      ['POST', `/v1/tables/${TABLE}/referrals/${seed.referral}/return`, member, { reason: 'Buiten de criteria' }, 'status'],
      ['POST', `/v1/tables/${TABLE}/referrals/${seed.referral}/return`, member, { reason: 'Buiten de criteria' }, 'caseId'],
    ];
    const serverValue: Record<string, unknown> = { status: 'afgesloten', signalId: randomUUID(), municipality: B, version: 7, subjectId: randomUUID(), caseId: randomUUID() };
    const before = await h.countAllEvents();
    const answers = await Promise.all(cases.map(([method, path, token, body, field]) => send(method, path, { token, body: { ...body, [field]: serverValue[field] } })));
    const seen = answers.map((res, i) => ({
      call: `${cases[i]![1]} + ${cases[i]![4]}`,
      status: res.status,
      code: res.body?.code,
      named: (res.body?.errors ?? []).some((e: { path: string; constraints: string[] }) => e.path === cases[i]![4] && e.constraints.includes('whitelistValidation')),
    }));
    expect(seen).toEqual(seen.map((s) => ({ ...s, status: 400, code: 'VALIDATION.FAILED', named: true })));
    expect(await h.query("SELECT type, stream_id FROM events WHERE actor_id LIKE 'mass-%'")).toEqual([]);
    // Other runs' Kafka intake may land here meanwhile; nothing of A did.
    const fresh = await h.query<{ municipality: string | null }>('SELECT municipality FROM events ORDER BY position DESC LIMIT $1', [(await h.countAllEvents()) - before]);
    expect(fresh.filter((e) => e.municipality === A)).toEqual([]);
  });
});

describe('tokens at the HTTP edge', () => {
  const claims = (extra: Record<string, unknown> = {}) => ({ role: 'coordinator', municipalities: [A], jti: randomUUID(), ...extra });
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

  it('refuses alg none, HS256 with the public key, forged, expired, not yet valid, wrong audience or issuer and oversized tokens with 401', async () => {
    const keys = await SigningKeys.loadOrCreate(h.dataDir);
    const now = Math.floor(Date.now() / 1000);
    const signed = (build: (jwt: SignJWT) => SignJWT, extra?: Record<string, unknown>) =>
      build(new SignJWT(claims(extra)).setProtectedHeader({ alg: 'ES256', kid: keys.kid, typ: 'JWT' }).setSubject('edge-test').setIssuedAt(now)).sign(keys.privateKey);
    const valid = (jwt: SignJWT) => jwt.setIssuer(DEFAULT_ISSUER).setAudience(DEFAULT_AUDIENCE).setExpirationTime(now + 600);
    const payload = { ...claims(), sub: 'edge-test', iss: DEFAULT_ISSUER, aud: DEFAULT_AUDIENCE, iat: now, exp: now + 600 };
    const hmac = (secret: string | Buffer) => {
      const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: keys.kid })}.${b64(payload)}`;
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    };
    const publicPem = createPublicKey({ key: keys.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    const attacker = await generateKeyPair('ES256', { extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);

    const tokens: [string, string, string][] = [
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`, 'AUTH.TOKEN_INVALID'],
      ['alg None with a signature', `${b64({ alg: 'None', typ: 'JWT' })}.${b64(payload)}.${Buffer.from('x').toString('base64url')}`, 'AUTH.TOKEN_INVALID'],
      ['HS256 keyed with the public key PEM', hmac(publicPem), 'AUTH.TOKEN_INVALID'],
      ['HS256 keyed with the public JWK', hmac(JSON.stringify(keys.publicJwk)), 'AUTH.TOKEN_INVALID'],
      ['signed by another key under our kid', await valid(new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: keys.kid }).setSubject('edge-test')).sign(attacker.privateKey), 'AUTH.TOKEN_INVALID'],
      ['carrying its own key in the header', await valid(new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', jwk: attackerJwk }).setSubject('edge-test')).sign(attacker.privateKey), 'AUTH.TOKEN_INVALID'],
      ['expired', await h.expiredToken('coordinator', [A]), 'AUTH.TOKEN_EXPIRED'],
      ['not yet valid', await signed((jwt) => valid(jwt).setNotBefore(now + 3600)), 'AUTH.TOKEN_INVALID'],
      ['issued in the future', await signed((jwt) => valid(jwt).setIssuedAt(now + 3600)), 'AUTH.TOKEN_INVALID'],
      ['for another audience', await signed((jwt) => jwt.setIssuer(DEFAULT_ISSUER).setAudience('another-api').setExpirationTime(now + 600)), 'AUTH.TOKEN_INVALID'],
      ['from another issuer', await signed((jwt) => jwt.setIssuer('https://idp.example.org').setAudience(DEFAULT_AUDIENCE).setExpirationTime(now + 600)), 'AUTH.TOKEN_INVALID'],
      ['without an expiry', await signed((jwt) => jwt.setIssuer(DEFAULT_ISSUER).setAudience(DEFAULT_AUDIENCE)), 'AUTH.TOKEN_INVALID'],
      ['oversized (validly signed, 9 KiB of padding)', await signed(valid, { padding: 'x'.repeat(9 * 1024) }), 'AUTH.TOKEN_TOO_LARGE'],
      ['for the product itself (role system)', await signed(valid, { role: 'system' }), 'AUTH.CLAIMS_INVALID'],
    ];
    const before = await h.countEvents();
    const failures: string[] = [];
    for (const [what, token, code] of tokens) {
      for (const [method, path, body] of [
        ['GET', `/v1/signals/${seed.signals.zorg}`, undefined],
        ['POST', `/v1/cases/${seed.case1}/notes`, { text: 'Door een vervalst token', visibility: 'intern' }],
      ] as const) {
        const res = await send(method, path, { token, body });
        const got = { status: res.status, code: res.body?.code, problem: res.contentType?.startsWith('application/problem+json') ?? false };
        if (JSON.stringify(got) !== JSON.stringify({ status: 401, code, problem: true })) failures.push(`${what}, ${method} ${path}: ${JSON.stringify(got)} instead of 401 ${code}`);
        const payloadPart = token.split('.')[1] ?? '';
        if (payloadPart.length > 8 && res.text.includes(payloadPart.slice(0, 40))) failures.push(`${what}: the answer echoes the token`);
        for (const value of [...seed.personal.subject, seed.personal.bsn]) if (res.text.includes(value)) failures.push(`${what}: the answer carries "${value}"`);
      }
    }
    expect(failures).toEqual([]);
    expect(await h.countEvents()).toBe(before);
    // The same request with a good token does get in: the refusals above are about the tokens.
    expect((await send('GET', `/v1/signals/${seed.signals.zorg}`, { token: await signed(valid) })).status).toBe(200);
  });
});

describe("the police liaison's event stream", () => {
  it("never delivers A's escalations to a liaison of B, even once B's own escalation went through it", async () => {
    // A's escalation went out on A's stream during seeding, while B's stream was open. A later escalation
    // in B proves B's stream read past A's steps (the feed is in commit order): A's could not come later.
    const intakeB = await h.token('intake-system', [B], { subject: 'connector-wierden' });
    const coordinatorB = await h.token('coordinator', [B], { subject: 'coordinator-wierden' });
    const received = await h.request('POST', '/v1/signals/zorgmelding', {
      token: intakeB,
      body: { subject: { name: `Persoon Wierden ${tag()}` }, concern: 'Zorgen over de buurman', urgency: 'hoog', wvggz: false, location: { municipality: B }, reporter: { name: 'Buurman', contact: '0546-000000', relation: 'buurtbewoner' } },
    });
    expect(received.status).toBe(201);
    const opened = await openedCase(h, coordinatorB, { model: 'ave', signalIds: [received.body.signalId] });
    const opschalen = (transition: string, reasonCategory = 'complexiteit') => ({ transition, reasonCategory, reason: 'Problemen op meerdere leefgebieden' });
    await walkCase(h, coordinatorB, opened.body.caseId, opened.headers.get('etag')!, [opschalen('opschalen-ave-2'), opschalen('opschalen-ave-3'), opschalen('opschalen-ave-4', 'veiligheid')]);
    const escalationB = await waitFor(async () => (await h.query<{ escalation_id: string }>('SELECT escalation_id FROM liaison_escalations WHERE case_id = $1', [opened.body.caseId]))[0]?.escalation_id, { what: "B's escalation" });
    await liveB.waitFor((e) => e.data.escalationId === escalationB && e.event === 'EscalationTierNotified', { what: "B's escalation on B's stream" });

    expect(liveA.events.filter((e) => e.data.escalationId === seed.escalation).map((e) => e.event)).toEqual(expect.arrayContaining(['EscalationRaised', 'EscalationTierNotified']));
    expect(liveB.events.length).toBeGreaterThan(0);
    expect(liveB.events.filter((e) => e.data.municipality !== B || e.data.escalationId === seed.escalation || seed.feedEvents.includes(e.id ?? ''))).toEqual([]);
    expect(liveA.events.filter((e) => e.data.municipality !== A)).toEqual([]);
    const rawB = JSON.stringify(liveB.events);
    for (const value of [...seed.personal.subject, ...seed.personal.reporter, seed.personal.bsn, ...seed.ids]) expect(rawB.includes(value) ? value : null).toBeNull();
  }, 120_000);
});
