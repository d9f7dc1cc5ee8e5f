import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS } from '#contracts';
import { internMeldpuntPayload, mmaPayload, zorgmeldingPayload } from '../../apps/intake/test/support/intake-fixtures.js';
import { httpRequest, resolveInfra, testClientId, tokenIssuer, TOPIC_PARTITIONS, waitFor, type HarnessResponse, type RequestOptions } from '../support/app-harness.js';
import { createPostgresDatabase, dropPostgresDatabase, kafkaBrokers } from '../support/infra.js';
import { deleteTopicsWithPrefix, kafkaProducer, watchKafkaTopics, type TopicWatcher } from '../support/kafka-probe.js';
import { buildProduct, startProductProcess, type ProductBuild, type ProductProcess } from '../support/product-process.js';

/**
 * Logs never contain signal text, names, BSN or reporter details (issue #2). The product's only guard is pino
 * redaction of a fixed list of key names, so this captures what the product really writes: the all-in-one app
 * (`apps/signaalroute/src/main`, compiled from the current sources) as an operating-system process on real
 * PostgreSQL and Kafka, at LOG_LEVEL=trace (the most verbose level it accepts), with stdout and stderr kept. It
 * is driven through everything that handles personal data: the three intake routes, the reporter vault, subject
 * registration (twice the same BSN: a conflict), a case with reasons and notes, a referral to a table; requests
 * that fail validation in every way (errors that echo their input are the classic leak), malformed JSON, an
 * oversized body, personal data in URLs; and Kafka intake, valid and dead-lettered. Every personal value carries
 * one secret marker; after a graceful stop (pending log lines flushed) neither the marker, the BSNs, the phone
 * number nor any of the values may appear anywhere in the output.
 */

const infra = await resolveInfra();
if (!infra.postgres || !infra.kafka) throw new Error('this test runs the built product on PostgreSQL and Kafka; start them (it never falls back)');

const ENSCHEDE = 'GM0153';
/** In every personal value below, and nowhere else: found in a log line, it means personal data was logged. */
const MARKER = `zqx${randomBytes(6).toString('hex')}`;
const BSN = '111222333'; // passes the 11-proef
const BAD_BSN = '123456789'; // fails it
const PHONE = `06${String(randomInt(10_000_000, 99_999_999))}`;

const personal = {
  tip: `Hennepkwekerij op zolder bij nummer 12 ${MARKER}-tip`,
  tipAddress: `Geheimstraat 12 ${MARKER}`,
  report: `Contante betalingen aan de eigenaar ${MARKER}-report`,
  involvedName: `Snackbar ${MARKER}`,
  employeeId: `E-${MARKER}`,
  department: `Vergunningen ${MARKER}`,
  subjectName: `Jansje ${MARKER} de Vries`,
  subjectAddress: `Dorpsstraat 2 ${MARKER}`,
  concern: `Verward gedrag, noemt bsn ${BSN} ${MARKER}-concern`,
  reporterName: `Melder ${MARKER} Bakker`,
  reporterEmail: `melder.${MARKER}@example.nl`,
  reason: `Gesprek met Jansje ${MARKER} over de melding`,
  note: `Notitie: buurvrouw Melder ${MARKER} belde`,
};

let build: ProductBuild;
let dataDir: string;
let databaseUrl: string;
let product: ProductProcess | null = null;
let output = '';
let dlq: TopicWatcher;
const clientId = testClientId();
const prefix = `${clientId}.`;
let intake: string;
let coordinator: string;

const send = (method: string, urlPath: string, options: RequestOptions = {}): Promise<HarnessResponse> => httpRequest(product!.url, method, urlPath, options);

beforeAll(async () => {
  build = await buildProduct();
  dataDir = await mkdtemp(path.join(tmpdir(), 'sr-logs-'));
  databaseUrl = await createPostgresDatabase();
  product = await startProductProcess(build.entry('apps/signaalroute/src/main'), {
    SIGNAALROUTE_DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'trace',
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: kafkaBrokers.join(','),
    KAFKA_CLIENT_ID: clientId,
    KAFKA_TOPIC_PREFIX: prefix,
    TOPIC_PARTITIONS: String(TOPIC_PARTITIONS),
  }, { readyTimeoutMs: 180_000 });
  dlq = await watchKafkaTopics(kafkaBrokers, [TOPICS.deadLetter], `${clientId}.probe-dlq`, prefix);
  const issuer = tokenIssuer(dataDir);
  intake = await issuer.token('intake-system', [ENSCHEDE], { subject: 'connector-meldpunt' });
  coordinator = await issuer.token('coordinator', [ENSCHEDE], { subject: 'coordinator-anna' });
}, 420_000); // compiles the product (tsc over the whole repository)

afterAll(async () => {
  await dlq?.stop();
  if (product) await product.kill('SIGKILL');
  await deleteTopicsWithPrefix(kafkaBrokers, prefix).catch(() => undefined);
  if (databaseUrl) await dropPostgresDatabase(databaseUrl);
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  await build?.remove();
});

const zorgBody = (overrides: Record<string, unknown> = {}) =>
  zorgmeldingPayload(ENSCHEDE, { name: personal.reporterName, contact: PHONE, relation: 'buurtbewoner' }, {
    subject: { name: personal.subjectName, birthDate: '1980-05-17', bsn: BSN, address: personal.subjectAddress },
    concern: personal.concern,
    ...overrides,
  });
const internBody = (overrides: Record<string, unknown> = {}) =>
  internMeldpuntPayload(ENSCHEDE, { employeeId: personal.employeeId, department: personal.department }, {
    description: personal.report,
    involved: { kind: 'business', name: personal.involvedName, kvkNumber: '12345672' },
    location: { municipality: ENSCHEDE, address: personal.tipAddress, postcode: '7511 AA' },
    ...overrides,
  });
const mmaBody = (overrides: Record<string, unknown> = {}) => mmaPayload(ENSCHEDE, { description: personal.tip, location: { municipality: ENSCHEDE, area: 'Binnenstad', address: personal.tipAddress }, ...overrides });

/** Answers with a 4xx (a refusal, not a crash) and nothing else is asserted: what matters is what was logged. */
async function refused(what: string, res: Promise<HarnessResponse>): Promise<void> {
  const r = await res;
  expect({ what, status: r.status >= 400 && r.status < 500 }).toEqual({ what, status: true });
}

let zorgSignalId = '';

describe('driving every path that handles personal data, at LOG_LEVEL=trace', () => {
  it('receives a tip, a report and a zorgmelding, and shows the reporter to a coordinator', async () => {
    for (const [source, body] of [['mma', mmaBody()], ['intern-meldpunt', internBody()], ['zorgmelding', zorgBody({ reporter: { name: personal.reporterName, contact: personal.reporterEmail, relation: 'familie' } })], ['zorgmelding', zorgBody()]] as const) {
      const res = await send('POST', `/v1/signals/${source}`, { token: intake, body });
      expect({ source, status: res.status }).toEqual({ source, status: 201 });
      if (source === 'zorgmelding') zorgSignalId = res.body.signalId;
    }
    const access = await send('POST', `/v1/signals/${zorgSignalId}/reporter-access`, { token: coordinator, body: { reason: personal.reason } });
    expect(access.status).toBe(200);
    // The triage queue learns of the signal over Kafka.
    await waitFor(async () => (await send('GET', `/v1/signals/${zorgSignalId}`, { token: coordinator })).status === 200, { what: 'the zorgmelding in the triage queue' });
  });

  it('refuses bad signals of every kind', async () => {
    await refused('BSN failing the 11-proef', send('POST', '/v1/signals/zorgmelding', { token: intake, body: zorgBody({ subject: { name: personal.subjectName, bsn: BAD_BSN, address: personal.subjectAddress } }) }));
    await refused('BSN too long', send('POST', '/v1/signals/zorgmelding', { token: intake, body: zorgBody({ subject: { name: personal.subjectName, bsn: `${BSN}${BSN}` } }) }));
    await refused('unknown urgency', send('POST', '/v1/signals/zorgmelding', { token: intake, body: zorgBody({ urgency: personal.concern }) }));
    await refused('reporter relation unknown', send('POST', '/v1/signals/zorgmelding', { token: intake, body: zorgBody({ reporter: { name: personal.reporterName, contact: PHONE, relation: personal.reporterName } }) }));
    await refused('reporter contact too long', send('POST', '/v1/signals/zorgmelding', { token: intake, body: zorgBody({ reporter: { name: personal.reporterName, contact: `${personal.reporterEmail} `.repeat(20), relation: 'familie' } }) }));
    await refused('an unknown field', send('POST', '/v1/signals/zorgmelding', { token: intake, body: { ...zorgBody(), extra: { naam: personal.subjectName, bsn: BSN } } }));
    await refused('an MMA tip naming its reporter', send('POST', '/v1/signals/mma', { token: intake, body: mmaBody({ reporter: { name: personal.reporterName, phone: PHONE } }) }));
    await refused('an MMA tip with a reporter under another name', send('POST', '/v1/signals/mma', { token: intake, body: mmaBody({ reportedBy: { name: personal.reporterName, phone: PHONE } }) }));
    await refused('an unknown theme', send('POST', '/v1/signals/mma', { token: intake, body: mmaBody({ theme: personal.tip }) }));
    await refused('text the database cannot store', send('POST', '/v1/signals/intern-meldpunt', { token: intake, body: internBody({ description: `${personal.report}\u0000` }) }));
    await refused('indicators not a list', send('POST', '/v1/signals/intern-meldpunt', { token: intake, body: internBody({ indicators: personal.report }) }));
    await refused('reporter without department', send('POST', '/v1/signals/intern-meldpunt', { token: intake, body: internBody({ reporter: { employeeId: personal.employeeId } }) }));
    await refused('an unknown municipality', send('POST', '/v1/signals/intern-meldpunt', { token: intake, body: internBody({ location: { municipality: personal.tipAddress, address: personal.tipAddress } }) }));
    await refused('another municipality', send('POST', '/v1/signals/intern-meldpunt', { token: intake, body: internBody({ location: { municipality: 'GM0363', address: personal.tipAddress } }) }));
    await refused('malformed JSON', send('POST', '/v1/signals/zorgmelding', { token: intake, rawBody: `{"subject":{"name":"${personal.subjectName}","bsn":"${BSN}"},"concern":"${personal.concern}"` }));
    await refused('not JSON', send('POST', '/v1/signals/zorgmelding', { token: intake, rawBody: `naam=${personal.subjectName}&bsn=${BSN}`, headers: { 'content-type': 'text/plain' } }));
    await refused('no token', send('POST', '/v1/signals/zorgmelding', { body: zorgBody() }));
    await refused('an invalid idempotency key', send('POST', '/v1/signals/zorgmelding', { token: intake, body: zorgBody(), headers: { 'idempotency-key': `${personal.reporterName} ${BSN}` } }));
    await refused('a reporter-access reason too short', send('POST', `/v1/signals/${zorgSignalId}/reporter-access`, { token: coordinator, body: { reason: MARKER.slice(0, 3), naam: personal.reporterName } }));
    // Answered 413 while the client may still be writing it (then the client sees the connection close: EPIPE).
    const oversized = await send('POST', '/v1/signals/mma', { token: intake, body: mmaBody({ description: `${personal.tip} ${BSN} `.repeat(30_000) }) }).catch(() => null);
    if (oversized) expect(oversized.status).toBe(413);
  });

  it('refuses personal data in URLs', async () => {
    await refused('a signal id that is a name', send('GET', `/v1/signals/${encodeURIComponent(personal.subjectName)}`, { token: coordinator }));
    await refused('an unknown query parameter', send('GET', `/v1/signals?naam=${encodeURIComponent(personal.subjectName)}&bsn=${BSN}`, { token: coordinator }));
    await refused('an unknown route', send('GET', `/v1/personen/${BSN}?naam=${encodeURIComponent(personal.reporterName)}`, { token: coordinator }));
  });

  it('registers a subject and refuses a second one with the same BSN', async () => {
    const subject = { kind: 'person', municipality: ENSCHEDE, name: personal.subjectName, birthDate: '1980-05-17', bsn: BSN, address: personal.subjectAddress };
    expect((await send('POST', '/v1/subjects', { token: coordinator, body: subject })).status).toBe(201);
    await refused('the same BSN again', send('POST', '/v1/subjects', { token: coordinator, body: { ...subject, name: `${personal.subjectName} II` } }));
    await refused('a BSN failing the 11-proef', send('POST', '/v1/subjects', { token: coordinator, body: { ...subject, bsn: BAD_BSN } }));
    await refused('a BSN for a business', send('POST', '/v1/subjects', { token: coordinator, body: { kind: 'business', municipality: ENSCHEDE, name: personal.involvedName, bsn: BSN } }));
  });

  it('runs a case with reasons and notes and refers it to the ZVH', async () => {
    const opened = await waitFor(async () => {
      const res = await send('POST', '/v1/cases', { token: coordinator, body: { model: 'ave', signalIds: [zorgSignalId] } });
      return res.status === 422 && res.body?.code === 'CASE.SIGNAL_UNKNOWN' ? undefined : res;
    }, { what: 'the router to know the zorgmelding' });
    expect(opened.status).toBe(201);
    const caseId: string = opened.body.caseId;
    let etag = opened.headers.get('etag')!;
    const step = async (urlPath: string, body: Record<string, unknown>) => {
      const res = await send('POST', `/v1/cases/${caseId}${urlPath}`, { token: coordinator, body, headers: { 'if-match': etag } });
      expect({ urlPath, status: res.status, code: res.body?.code }).toEqual({ urlPath, status: 200, code: undefined });
      etag = res.headers.get('etag') ?? etag;
      return res;
    };
    await step('/transitions', { transition: 'opschalen-ave-2', reasonCategory: 'complexiteit', reason: personal.reason });
    await step('/notes', { text: personal.note, visibility: 'deelbaar' });
    await step('/transitions', { transition: 'opschalen-ave-3', reasonCategory: 'complexiteit', reason: personal.reason });
    await refused('a transition the model does not have', send('POST', `/v1/cases/${caseId}/transitions`, { token: coordinator, body: { transition: 'sluiten-zonder-reden', reason: personal.reason } }));
    await refused('a transition name that is a sentence', send('POST', `/v1/cases/${caseId}/transitions`, { token: coordinator, body: { transition: personal.reason, reason: personal.reason } }));
    await refused('a stale If-Match', send('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: { text: personal.note, visibility: 'intern' }, headers: { 'if-match': '"1"' } }));
    await refused('a note visibility that does not exist', send('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: { text: personal.note, visibility: personal.subjectName } }));
    await refused('a referral to a table the state does not allow', send('POST', `/v1/cases/${caseId}/referrals`, { token: coordinator, body: { table: 'riec', reason: personal.reason } }));
    const referred = await send('POST', `/v1/cases/${caseId}/referrals`, { token: coordinator, body: { table: 'zvh-casusoverleg', reason: personal.reason } });
    expect(referred.status).toBe(200);
    const referralId: string = referred.body.referrals.at(-1).referralId;
    const member = await tokenIssuer(dataDir).token('table-member', [ENSCHEDE], { subject: 'zvh-petra', tables: ['zvh-casusoverleg'] });
    await waitFor(async () => (await send('GET', `/v1/tables/zvh-casusoverleg/referrals/${referralId}`, { token: member })).status === 200, { what: 'the referral in the ZVH register' });
    await refused('a return without a reason', send('POST', `/v1/tables/zvh-casusoverleg/referrals/${referralId}/return`, { token: member, body: { reden: personal.reason } }));
    expect((await send('POST', `/v1/tables/zvh-casusoverleg/referrals/${referralId}/return`, { token: member, body: { reason: personal.reason } })).status).toBe(200);
  });

  it('takes signals from Kafka, and dead-letters the bad ones', async () => {
    const producer = await kafkaProducer(kafkaBrokers, `${clientId}.producer`);
    try {
      await producer.send(`${prefix}${TOPICS.inbound('zorgmelding')}`, [
        { key: 'kafka-valid', value: JSON.stringify(zorgBody()) },
        { key: 'kafka-bad-bsn', value: JSON.stringify(zorgBody({ subject: { name: personal.subjectName, bsn: BAD_BSN } })) },
        { key: 'kafka-malformed', value: `{"subject":{"name":"${personal.subjectName}","bsn":"${BSN}"},"concern":"${personal.concern}"` },
        { key: 'kafka-bad-key', value: JSON.stringify(zorgBody()), headers: { 'idempotency-key': `${personal.reporterName} ${BSN}` } },
        { key: 'kafka-nul', value: JSON.stringify(zorgBody({ concern: `${personal.concern}\u0000` })) },
      ]);
      await producer.send(`${prefix}${TOPICS.inbound('mma')}`, [{ key: 'kafka-mma-reporter', value: JSON.stringify(mmaBody({ reporter: { name: personal.reporterName, phone: PHONE } })) }]);
    } finally {
      await producer.close();
    }
    const dead = await dlq.waitFor((m) => m.topic === TOPICS.deadLetter, { count: 5, what: 'five dead letters', timeoutMs: 60_000 });
    expect(new Set(dead.map((m) => m.key))).toEqual(new Set(['kafka-bad-bsn', 'kafka-malformed', 'kafka-bad-key', 'kafka-nul', 'kafka-mma-reporter']));
  });
});

describe('what the product logged', () => {
  it('holds no signal text, name, BSN or reporter detail, at the most verbose level', async () => {
    // The log destination writes asynchronously: wait for the last lines the driving produced, then stop gracefully.
    await waitFor(() => product!.output().split('inbound signal dead-lettered').length - 1 === 5, { what: 'the five dead-letter log lines' });
    const exit = await product!.kill('SIGTERM');
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    output = product!.output();
    product = null;

    // The capture is real: JSON lines at trace level, the requests and the dead letters among them.
    const lines = output.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
    const statuses = new Set(lines.filter((l) => l.component === 'http' && l.msg === 'request').map((l) => l.status));
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 201, 400, 401, 403, 404, 409, 413, 415, 422]));
    expect(lines.filter((l) => l.msg === 'inbound signal dead-lettered').length).toBe(5);

    const found = (value: string) => output.toLowerCase().includes(value.toLowerCase());
    const leaked = [MARKER, PHONE, ...Object.values(personal)].filter(found);
    // A BSN also counts written in groups (111 222 333, 111.222.333, 111-222-333).
    for (const bsn of [BSN, BAD_BSN]) if (new RegExp(bsn.split('').join('[\\s.-]?')).test(output)) leaked.push(bsn);
    const context = leaked.length === 0 ? [] : output.split('\n').filter((line) => leaked.some((v) => line.toLowerCase().includes(v.toLowerCase()) || line.includes(BSN) || line.includes(BAD_BSN)));
    expect({ leaked, context }).toEqual({ leaked: [], context: [] });
  });
});
