import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { AVE_MODEL } from '#domain';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { connectSse, type SseConnection } from './support/sse-client.js';
import { appendSignals, ScriptedCase, TABLES_APP } from './support/tables-fixtures.js';

/**
 * The liaison's SSE stream lasts as long as the token it was opened with, on real PostgreSQL and Kafka: an escalation
 * raised before the token's `exp` comes through; at `exp` the stream says `token-expired` (no `id`, so the client's
 * Last-Event-ID stays on the last step it got) and ends; an escalation raised after reaches only a stream opened with a
 * fresh token. The token lives about three seconds (its `exp` is whole seconds), waited for in real time: the verifier
 * judges tokens on the system clock, not on the product's injectable one.
 */

const ENSCHEDE = 'GM0153';
const TTL_SECONDS = 3;
let h: AppHarness;
const streams: SseConnection[] = [];

beforeAll(async () => {
  h = await startApp({ apps: [TABLES_APP] });
});

afterAll(async () => {
  await h?.stop();
  streams.forEach((s) => s.close());
});

async function stream(token: string, lastEventId?: string): Promise<SseConnection> {
  const s = await connectSse(h.url, '/v1/liaison/escalations/stream', token, lastEventId);
  streams.push(s);
  return s;
}

/** Signals whose facts the tables app already has, so an escalation of their case goes out complete at once. */
async function signalsWithFacts() {
  const signals = await appendSignals(h, ENSCHEDE);
  await waitFor(async () => (await h.query<{ n: number }>('SELECT count(*)::int AS n FROM tables_signal_facts WHERE signal_id = ANY($1)', [signals.ids]))[0]!.n === signals.ids.length, {
    what: "the signals' facts in the tables app",
  });
  return signals;
}

/** An AVE case of `signalIds` walked to AVE 4; resolves with its escalation's id once the escalation exists. */
async function escalate(signalIds: string[]): Promise<string> {
  const c = new ScriptedCase(h, ENSCHEDE);
  await c.open(AVE_MODEL, signalIds);
  await c.walkTo(AVE_MODEL, 'ave-4');
  const [row] = await waitFor(async () => {
    const rows = await h.query<{ escalation_id: string }>('SELECT escalation_id FROM liaison_escalations WHERE case_id = $1', [c.caseId]);
    return rows.length > 0 && rows;
  }, { what: `an escalation of case ${c.caseId}` });
  return row!.escalation_id;
}

describe('a liaison stream ends when its token expires', () => {
  it('delivers an escalation raised before the expiry, says token-expired at the expiry and ends; one raised after reaches only a stream with a fresh token', async () => {
    const before = await signalsWithFacts();
    const after = await signalsWithFacts();
    const token = await h.token('police-liaison', [ENSCHEDE], { subject: 'agent-kort', ttlSeconds: TTL_SECONDS });
    const expiresAt = decodeJwt(token).exp! * 1000;
    const live = await stream(token);
    expect(live.status).toBe(200);

    const early = await escalate(before.ids);
    const [raised] = await live.waitFor((e) => e.event === 'EscalationRaised' && e.data.escalationId === early, { what: 'the escalation raised before the expiry' });
    expect(raised!.data.case.subjectName).toEqual([before.texts.subject]);
    expect(Date.now()).toBeLessThan(expiresAt);

    await waitFor(() => live.ended, { timeoutMs: TTL_SECONDS * 1000 + 5_000, what: 'the stream to end at the expiry' });
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
    expect(live.events.at(-1)).toEqual({ id: null, event: 'token-expired', data: { code: 'AUTH.TOKEN_EXPIRED', expiredAt: new Date(expiresAt).toISOString() } });
    const lastSeen = live.events.filter((e) => e.id !== null).at(-1)!.id!;

    // Raised after the expiry: the ended stream gets nothing of it; the same liaison with a fresh token resumes from
    // the last step the old stream delivered and gets it.
    const late = await escalate(after.ids);
    const fresh = await stream(await h.token('police-liaison', [ENSCHEDE], { subject: 'agent-kort' }), lastSeen);
    const [resumed] = await fresh.waitFor((e) => e.event === 'EscalationRaised' && e.data.escalationId === late, { what: 'the escalation raised after the expiry, on a fresh stream' });
    expect(resumed!.data.case.subjectName).toEqual([after.texts.subject]);
    expect(live.events.filter((e) => e.data.escalationId === late)).toEqual([]);
    expect(live.events.filter((e) => e.event === 'token-expired')).toHaveLength(1);
  });
});
