import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BUILT_IN_TABLES_CONFIG } from '#domain';
import { httpRequest, waitFor, type HarnessResponse } from '../support/app-harness.js';
import { buildProduct, type ProductBuild } from '../support/product-process.js';
import { runNode } from '../support/run-node.js';
import { mmaPayload, zorgmeldingPayload } from '../../apps/intake/test/support/intake-fixtures.js';

/**
 * `npm start` is a newcomer's first command: every app in one process on the embedded default (PGlite, the
 * in-process transport), and issue #3 is done only when the whole flow works there too. This test starts the
 * product as `npm start` does (the built `apps/signaalroute/src/main`, no flags, nothing configured but a free
 * port, in a fresh working folder, so the data lands in the default `./.signaalroute`) and, over HTTP with
 * tokens from the built `npm run token` in the same folder:
 *  1. checks what the start-up prints: the mode, the API URL, where the API docs are, and a token command that
 *     works (the docs and the OpenAPI document answer at the printed addresses);
 *  2. MMA tip in GM0153 → triage queue → `ondermijning-intake` case → besluit RIEC → referral → a RIEC member sees
 *     the minimised referral and accepts it → the case shows it accepted, procesregie with the RIEC;
 *  3. zorgmelding → `ave` case → AVE 4 → a police liaison of GM0153 sees the escalation and acknowledges it;
 *  4. an auditor's `POST /v1/audit/verify` finds the ledger intact;
 * then SIGTERM stops it with exit code 0, releasing the embedded database. It runs the embedded default on
 * purpose (it is the product's default), whatever services the machine has.
 */

const MUNICIPALITY = 'GM0153'; // Enschede: the README's municipality, served by the RIEC and with police tiers
let build: ProductBuild;
let workDir: string;
let server: ChildProcess | null = null;
let output = '';
let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
let banner: { mode: string; dataDir: string; api: string; docs: string; openapi: string; tokenCommand: string };
let base: string;
const tokens: Record<'coordinator' | 'riec' | 'liaison' | 'auditor', string> = { coordinator: '', riec: '', liaison: '', auditor: '' };

/** What a newcomer sees after `npm start` (written in one piece by apps/signaalroute/src/main.ts). */
const BANNER =
  /\nSignaalroute is running on (embedded PGlite \((.+)\) \+ in-process transport)\n {2}API: {6}(\S+)\n {2}API docs: (\S+) {3}\(OpenAPI: (\S+)\)\n {2}Token: {4}(npm run token -- .+)\n/;

/** `npm run token -- <args>`, as the README runs it: the built script, in the folder `npm start` runs in. */
async function token(...args: string[]): Promise<string> {
  const run = await runNode(build.entry('scripts/token'), args, { cwd: workDir });
  expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
  return run.stdout.trim();
}

const send = <T = any>(method: string, urlPath: string, token: string, body?: unknown, headers: Record<string, string> = {}): Promise<HarnessResponse<T>> =>
  httpRequest<T>(base, method, urlPath, { token, body, headers });

/** Answers 2xx, or fails naming the request, the answer and the end of the process' output. */
function ok<T extends HarnessResponse>(what: string, res: T, status = 200): T {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text}\n--- product output (end) ---\n${output.slice(-3000)}`);
  return res;
}

/** `POST /v1/cases`, repeated while the router has not yet learned of the signal from the in-process transport. */
async function openCase(model: string, signalId: string): Promise<{ caseId: string; etag: string }> {
  const res = await waitFor(async () => {
    const r = await send('POST', '/v1/cases', tokens.coordinator, { model, signalIds: [signalId] });
    return r.status === 422 && r.body?.code === 'CASE.SIGNAL_UNKNOWN' ? undefined : r;
  }, { what: `the router to know signal ${signalId}` });
  ok(`open a ${model} case`, res, 201);
  expect(res.body.caseId).toEqual(expect.any(String));
  return { caseId: res.body.caseId, etag: res.headers.get('etag')! };
}

/** Takes the transitions in order, each with the previous answer's ETag; returns the last answer. */
async function walk(caseId: string, etag: string, steps: Record<string, unknown>[]): Promise<HarnessResponse> {
  let last: HarnessResponse | undefined;
  for (const step of steps) {
    last = ok(`transition ${String(step.transition)}`, await send('POST', `/v1/cases/${caseId}/transitions`, tokens.coordinator, step, { 'if-match': last?.headers.get('etag') ?? etag }));
  }
  return last!;
}

beforeAll(async () => {
  build = await buildProduct();
  workDir = await mkdtemp(path.join(tmpdir(), 'sr-npm-start-'));
  // `npm start` = `node dist/apps/signaalroute/src/main.js`: no flags, no configuration. Only the port is chosen
  // (0: a free one) so the test does not depend on 3000 being free.
  const child = spawn(process.execPath, [build.entry('apps/signaalroute/src/main')], { cwd: workDir, env: { PATH: process.env.PATH ?? '', PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const stoppedEarly = exited.then(({ code, signal }) => {
    throw new Error(`npm start's process exited (${code ?? signal}) before it announced itself:\n${output.slice(-4000)}`);
  });
  const announced = waitFor(() => BANNER.exec(output), { what: 'the start-up banner', timeoutMs: 120_000, intervalMs: 100 });
  const m = await Promise.race([announced, stoppedEarly]);
  banner = { mode: m[1]!, dataDir: m[2]!, api: m[3]!, docs: m[4]!, openapi: m[5]!, tokenCommand: m[6]! };
  base = banner.api.replace(/\/v1$/, '');

  // The banner's own token command (coordinator of GM0153), and the others the README's walkthroughs use.
  const bannerArgs = banner.tokenCommand.replace(/^npm run token -- /, '').split(/\s+/);
  [tokens.coordinator, tokens.riec, tokens.liaison, tokens.auditor] = await Promise.all([
    token(...bannerArgs),
    token('--role', 'table-member', '--municipality', MUNICIPALITY, '--table', 'riec', '--subject', 'riec-rik'),
    token('--role', 'police-liaison', '--municipality', MUNICIPALITY, '--subject', 'agent-jansen'),
    token('--role', 'auditor'),
  ]);
}, 300_000); // compiles the product (tsc over the whole repository), then starts it on a fresh PGlite

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill('SIGKILL');
    await exited;
  }
  if (workDir) await rm(workDir, { recursive: true, force: true });
  await build?.remove();
});

describe('npm start (the embedded default)', () => {
  it('prints where the API and its docs are and how to get a token, and they work', async () => {
    expect(banner.mode).toBe('embedded PGlite (./.signaalroute) + in-process transport');
    expect(existsSync(path.join(workDir, banner.dataDir, 'pgdata'))).toBe(true);
    expect(existsSync(path.join(workDir, banner.dataDir, 'pgdata.lock'))).toBe(true); // claimed while it runs
    expect(banner.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(banner.docs).toBe(`${base}/docs`);
    expect(banner.openapi).toBe(`${base}/openapi.json`);
    expect(banner.tokenCommand).toBe(`npm run token -- --role coordinator --municipality ${MUNICIPALITY}`);

    const docs = await fetch(banner.docs);
    expect({ status: docs.status, type: docs.headers.get('content-type') }).toEqual({ status: 200, type: expect.stringMatching(/^text\/html/) });
    expect(await docs.text()).toMatch(/swagger-ui/i);
    const openapi = (await httpRequest(base, 'GET', '/openapi.json')).body;
    expect(openapi.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/v1/signals/mma', '/v1/cases', '/v1/tables/{table}/referrals', '/v1/liaison/escalations', '/v1/audit/verify']));
    // The printed token command gives a token this instance accepts.
    expect((await send('GET', '/v1/signals?limit=1', tokens.coordinator)).status).toBe(200);
  });

  it('takes an MMA tip through triage and ondermijning-intake to the RIEC, whose member sees it minimised and accepts', async () => {
    const tip = mmaPayload(MUNICIPALITY, { description: 'Hennepkwekerij op zolder, veel stroomverbruik' });
    const received = ok('send the MMA tip', await send('POST', '/v1/signals/mma', tokens.coordinator, tip), 201);
    expect(received.body.status).toBe('nieuw');
    const signalId: string = received.body.signalId;

    const queued = await waitFor(async () => (await send('GET', '/v1/signals?source=mma&limit=20', tokens.coordinator)).body?.items?.find((i: { signalId: string }) => i.signalId === signalId), { what: 'the tip in the triage queue' });
    expect(queued).toMatchObject({ signalId, source: 'mma', municipality: MUNICIPALITY, status: 'nieuw' });

    const { caseId, etag } = await openCase('ondermijning-intake', signalId);
    const decided = await walk(caseId, etag, [
      { transition: 'start-weging' },
      { transition: 'ondermijnend' },
      { transition: 'gemeentelijke-taak' },
      { transition: 'besluit-riec', reason: 'Concreet, recent en boven de eigen mogelijkheden' },
    ]);
    expect(decided.body.currentState).toBe('riec');
    // The intake's queue learns that the signal is in a case (a case event, through the in-process transport).
    await waitFor(async () => (await send('GET', `/v1/signals/${signalId}`, tokens.coordinator)).body?.status === 'in-behandeling', { what: 'the tip in-behandeling in the triage queue' });

    const referred = ok('refer to the RIEC', await send('POST', `/v1/cases/${caseId}/referrals`, tokens.coordinator, { table: 'riec', reason: 'Ondermijning: RIEC neemt regie' }));
    const referralId: string = referred.body.referrals.at(-1).referralId;

    const listed = await waitFor(async () => (await send('GET', '/v1/tables/riec/referrals', tokens.riec)).body?.items?.find((i: { referralId: string }) => i.referralId === referralId), { what: 'the referral in the RIEC register' });
    const riecFields = BUILT_IN_TABLES_CONFIG.tables.find((t) => t.id === 'riec')!.profile.fields['ondermijning-intake']!;
    expect(listed).toMatchObject({ referralId, status: 'open', caseType: 'ondermijning-intake' });
    expect(Object.keys(listed.case).sort()).toEqual([...riecFields].sort());
    expect(listed).not.toHaveProperty('caseId');
    const detail = ok('the RIEC member reads the referral', await send('GET', `/v1/tables/riec/referrals/${referralId}`, tokens.riec));
    expect(detail.body).toMatchObject({ referralId, case: { description: [tip.description], theme: ['drugs'], caseState: 'riec' } });
    expect(detail.text).not.toContain(caseId);

    const accepted = ok('the RIEC member accepts', await send('POST', `/v1/tables/riec/referrals/${referralId}/accept`, tokens.riec));
    expect(accepted.body.status).toBe('accepted');
    const applied = await waitFor(async () => {
      const res = await send('GET', `/v1/cases/${caseId}`, tokens.coordinator);
      return res.body?.referrals?.some((r: { referralId: string; outcome?: string }) => r.referralId === referralId && r.outcome === 'accepted') ? res.body : undefined;
    }, { what: 'the router to apply ReferralAccepted' });
    expect(applied.responsibilities.procesregie).toBe('riec');
  });

  it('takes a zorgmelding to AVE 4, and a police liaison of the municipality sees the escalation and acknowledges it', async () => {
    const received = ok('send the zorgmelding', await send('POST', '/v1/signals/zorgmelding', tokens.coordinator, zorgmeldingPayload(MUNICIPALITY)), 201);
    const { caseId, etag } = await openCase('ave', received.body.signalId);
    const opschalen = (n: number, reasonCategory: string) => ({ transition: `opschalen-ave-${n}`, reasonCategory, reason: 'Hulp komt niet op gang' });
    const ave4 = await walk(caseId, etag, [opschalen(2, 'stagnatie'), opschalen(3, 'complexiteit'), opschalen(4, 'veiligheid')]);
    expect(ave4.body.currentState).toBe('ave-4');

    const [mine] = await waitFor(async () => {
      const items = (await send('GET', `/v1/liaison/escalations?caseId=${caseId}`, tokens.coordinator)).body?.items;
      return items?.length ? items : undefined;
    }, { what: 'the escalation of the AVE 4 case' });
    const escalationId: string = mine.escalationId;
    const seen = await waitFor(async () => (await send('GET', '/v1/liaison/escalations', tokens.liaison)).body?.items?.find((i: { escalationId: string }) => i.escalationId === escalationId), { what: "the escalation in the liaison's list" });
    expect(seen).toMatchObject({ escalationId, status: 'open', tier: { index: 0, id: 'dienstdoende-liaison' } });
    expect(seen).not.toHaveProperty('caseId');

    const ack = ok('the liaison acknowledges', await send('POST', `/v1/liaison/escalations/${escalationId}/ack`, tokens.liaison));
    expect(ack.body).toMatchObject({ escalationId, status: 'acknowledged', acknowledgedBy: 'agent-jansen' });
    const steps = ok('the escalation with its steps', await send('GET', `/v1/liaison/escalations/${escalationId}`, tokens.coordinator)).body.steps.map((s: { type: string }) => s.type);
    expect(steps).toEqual(['EscalationRaised', 'EscalationTierNotified', 'EscalationAcknowledged']);
  });

  it('lets an auditor verify the ledger the flow wrote', async () => {
    const verified = ok('verify the ledger', await send('POST', '/v1/audit/verify', tokens.auditor));
    expect(verified.body).toMatchObject({ ok: true, eventsChecked: expect.any(Number) });
    expect(verified.body.eventsChecked).toBeGreaterThan(0);
  });

  it('stops on SIGTERM with exit code 0, having logged no error, and releases the embedded database', async () => {
    server!.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const end = await Promise.race([exited, new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), 30_000)))]);
    clearTimeout(timer);
    // Exit code 0, not death by the signal: before, Nest re-raised SIGTERM after closing (shell status 143) and
    // the process' 'exit' handlers, the logger's flush among them, never ran.
    expect({ end, output: end === 'hung' || end.code !== 0 ? output.slice(-3000) : '' }).toEqual({ end: { code: 0, signal: null }, output: '' });
    const errors = output.split('\n').filter((line) => /^\{.*"level":(5|6)\d/.test(line));
    expect(errors).toEqual([]);
    // Closed, not just gone: the embedded database's folder claim is released.
    expect(existsSync(path.join(workDir, banner.dataDir, 'pgdata.lock'))).toBe(false);
  }, 40_000);
});
