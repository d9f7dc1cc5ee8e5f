import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Database } from '#eventstore';
import { DATABASE, startProcess, type RunningProcess } from '#platform';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { INTAKE_APP, mmaPayload, testMunicipality } from '../../apps/intake/test/support/intake-fixtures.js';
import { httpRequest, stubSwaggerUiAssetsUnderJest, tokenIssuer, waitFor } from '../support/app-harness.js';

/**
 * The embedded default (`npm start`: PGlite, no broker) keeps what its outbox relay published until every consumer
 * has it, across a stop, as Kafka does: the in-process transport's log and offsets live in the database. Here a
 * process runs only the intake, so nothing consumes the router's share of a signal before it stops; the next
 * process, with every app, still brings the signal to the router. Before, the published messages lived in memory
 * and the outbox row was gone: the router never learned of the signal. This test runs the embedded default on
 * purpose (it is the product's default), whatever services the machine has.
 */

let dataDir: string;
let running: RunningProcess | null = null;
const municipality = testMunicipality();

beforeAll(async () => {
  await stubSwaggerUiAssetsUnderJest();
  dataDir = await mkdtemp(path.join(tmpdir(), 'sr-embedded-restart-'));
});

afterAll(async () => {
  await running?.app.close();
  await rm(dataDir, { recursive: true, force: true });
});

const env = () => ({ SIGNAALROUTE_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent', TOPIC_PARTITIONS: '3' });

describe('the embedded default across a restart', () => {
  it('delivers to a consumer of the next process what this one published and nobody of it consumed', async () => {
    running = await startProcess([INTAKE_APP], { env: env() });
    const tokens = tokenIssuer(dataDir);
    const connector = await tokens.token('intake-system', [municipality]);
    const received = await httpRequest(running.url!, 'POST', '/v1/signals/mma', { token: connector, body: mmaPayload(municipality) });
    expect(received.status).toBe(201);
    const signalId: string = received.body.signalId;
    const db = () => running!.app.get<symbol, Database>(DATABASE, { strict: false });
    await waitFor(async () => (await db().query('SELECT 1 FROM triage_queue WHERE signal_id = $1', [signalId])).rows.length > 0, { what: 'the signal in the triage queue' });
    await waitFor(async () => (await db().query('SELECT 1 FROM outbox')).rows.length === 0, { what: 'the outbox emptied by the relay' });
    await running.app.close();
    running = null;

    running = await startProcess(ALL_APPS, { env: env() });
    const router = await waitFor(async () => (await db().query<{ source: string }>('SELECT source FROM router_signals WHERE signal_id = $1', [signalId])).rows[0], { what: 'the signal in the router' });
    expect(router.source).toBe('mma');
    // The intake's own consumer went on after what it had handled: still one row.
    expect((await db().query('SELECT 1 FROM triage_queue WHERE signal_id = $1', [signalId])).rows).toHaveLength(1);
  }, 120_000);
});
