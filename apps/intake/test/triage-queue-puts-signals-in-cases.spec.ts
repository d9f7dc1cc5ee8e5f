import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TOPICS, type EventEnvelope } from '#contracts';
import type { IncomingMessage } from '#messaging';
import { startApp, waitFor, type AppHarness } from '../../../test/support/app-harness.js';
import { caseOpenedEnvelope, signalEvents } from '../../router/test/support/triage-app.js';
import { applyToTriageQueue, caseLinksOf, TriageQueueProjection } from '../src/triage-queue/triage-queue.projection.js';
import { INTAKE_APP, mmaPayload, twoMunicipalities } from './support/intake-fixtures.js';

/**
 * The triage queue learns from the cases topic which signals went into which case. A batch of such events is
 * applied in one statement with its inbox claim; a batch in which one signal changes case twice is applied
 * event by event, so the last event decides. Either way a redelivered batch changes nothing. A signal and its case
 * link written at the same moment (two intake processes) both land, in either order.
 */

let h: AppHarness;
let queue: TriageQueueProjection;
const [home] = twoMunicipalities();
let intakeSystem: string;

beforeAll(async () => {
  h = await startApp({ apps: [INTAKE_APP] });
  queue = h.running.app.get(TriageQueueProjection, { strict: false });
  intakeSystem = await h.token('intake-system', [home], { subject: 'connector' });
});

afterAll(async () => {
  await h?.stop();
});

/** A signal received through intake, once the triage queue has it. */
async function receivedSignal(): Promise<string> {
  const res = await h.request('POST', '/v1/signals/mma', { token: intakeSystem, body: mmaPayload(home) });
  expect(res.status).toBe(201);
  const signalId: string = res.body.signalId;
  await waitFor(() => queueRow(signalId), { what: `signal ${signalId} in the triage queue` });
  return signalId;
}

async function queueRow(signalId: string): Promise<{ status: string; case_id: string | null } | undefined> {
  return (await h.query<{ status: string; case_id: string | null }>('SELECT status, case_id FROM triage_queue WHERE signal_id = $1', [signalId]))[0];
}

/** The case the queue has for a signal, also for one that has not arrived (its placeholder row). */
async function link(signalId: string): Promise<string | null> {
  return (await h.query<{ case_id: string }>('SELECT case_id FROM triage_queue WHERE signal_id = $1', [signalId]))[0]?.case_id ?? null;
}

let offset = 0;
function message(envelope: EventEnvelope): IncomingMessage {
  return { topic: TOPICS.cases, partition: 0, offset: String(offset++), key: envelope.streamId, value: Buffer.from(JSON.stringify(envelope)), headers: {}, attempt: 1, publishedAt: Date.now() };
}

function signalAdded(caseId: string, signalId: string): EventEnvelope {
  return { ...caseOpenedEnvelope(home, caseId, [signalId], randomUUID()), type: 'SignalAddedToCase', payload: { caseId, signalId } };
}

describe('signals put in cases, from the cases topic', () => {
  it('puts every signal of a batch of opened cases and added signals in behandeling in its case, keeps a dismissed one afgewezen, and a redelivered batch changes nothing', async () => {
    const [a, b, c, dismissed] = await Promise.all([receivedSignal(), receivedSignal(), receivedSignal(), receivedSignal()]);
    await h.query("UPDATE triage_queue SET status = 'afgewezen' WHERE signal_id = $1", [dismissed]);
    const [first, second] = [randomUUID(), randomUUID()];
    const notYetArrived = randomUUID();
    const batch = [
      caseOpenedEnvelope(home, first, [a!, b!], randomUUID()),
      signalAdded(second, c!),
      signalAdded(second, dismissed!),
      signalAdded(second, notYetArrived),
      { ...caseOpenedEnvelope(home, randomUUID(), ['not-a-uuid'], randomUUID()) },
    ].map(message);

    await queue.handleBatch(batch);
    expect(await Promise.all([a, b, c, dismissed].map((id) => queueRow(id!)))).toEqual([
      { status: 'in-behandeling', case_id: first },
      { status: 'in-behandeling', case_id: first },
      { status: 'in-behandeling', case_id: second },
      { status: 'afgewezen', case_id: second },
    ]);
    // A signal not in the queue yet keeps its link, so it starts in its case when it arrives.
    expect(await link(notYetArrived)).toBe(second);

    // Moved on meanwhile (as a later event would), then the same batch again: nothing goes back.
    const third = randomUUID();
    await queue.handleBatch([message(signalAdded(third, a!))]);
    await queue.handleBatch(batch);
    expect(await queueRow(a!)).toEqual({ status: 'in-behandeling', case_id: third });
    expect(await link(a!)).toBe(third);
  });

  it('applies a batch in which one signal changes case twice in order: the last event decides', async () => {
    const signalId = await receivedSignal();
    const [first, second] = [randomUUID(), randomUUID()];
    await queue.handleBatch([caseOpenedEnvelope(home, first, [signalId], randomUUID()), signalAdded(second, signalId)].map(message));
    expect(await queueRow(signalId)).toEqual({ status: 'in-behandeling', case_id: second });
    expect(await link(signalId)).toBe(second);
  });
});

describe('a signal and its case link written at the same moment', () => {
  /** A new signal's SignalReceived (a copy of a real one under a new id), and a case that names it. */
  async function signalAndCase(): Promise<{ signalId: string; caseId: string; received: EventEnvelope; linked: EventEnvelope }> {
    const template = (await signalEvents(h, await receivedSignal()))[0]!;
    const signalId = randomUUID();
    const caseId = randomUUID();
    const received: EventEnvelope = { ...template, id: randomUUID(), streamId: `signal-${signalId}`, payload: { ...template.payload, signalId, externalRef: `MMA-race-${signalId}` } };
    return { signalId, caseId, received, linked: caseOpenedEnvelope(home, caseId, [signalId], randomUUID()) };
  }

  /**
   * Applies `first` in a transaction that stays open while `second` is applied on another connection, then commits
   * it: the second writer starts before the first's write is visible, as on two processes.
   */
  async function interleaved(first: EventEnvelope, second: EventEnvelope): Promise<void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let applied!: () => void;
    const firstApplied = new Promise<void>((resolve) => (applied = resolve));
    const firstWriter = h.db.transaction(async (tx) => {
      await applyToTriageQueue(tx, [first]);
      applied();
      await released;
    });
    await firstApplied;
    const secondWriter = applyToTriageQueue(h.db, [second]);
    await new Promise((r) => setTimeout(r, 300));
    release();
    await Promise.all([firstWriter, secondWriter]);
  }

  it('keeps the case when the link is written first and the signal before the link commits', async () => {
    const { signalId, caseId, received, linked } = await signalAndCase();
    await interleaved(linked, received);
    expect(await queueRow(signalId)).toEqual({ status: 'in-behandeling', case_id: caseId });
  });

  it('keeps the case when the signal is written first and the link before the signal commits', async () => {
    const { signalId, caseId, received, linked } = await signalAndCase();
    await interleaved(received, linked);
    expect(await queueRow(signalId)).toEqual({ status: 'in-behandeling', case_id: caseId });
  });

  it('shows no placeholder row of a signal that has not arrived', async () => {
    const { signalId, linked } = await signalAndCase();
    await applyToTriageQueue(h.db, [linked]);
    expect(await link(signalId)).not.toBeNull();
    const coordinator = await h.token('coordinator', [home], { subject: 'coordinator-anna' });
    expect((await h.request('GET', `/v1/signals/${signalId}`, { token: coordinator })).status).toBe(404);
    const listed = await h.request('GET', `/v1/signals?municipality=${home}&limit=200`, { token: coordinator });
    expect(listed.body.items.map((i: { signalId: string }) => i.signalId)).not.toContain(signalId);
  });
});

describe('caseLinksOf (which batches go in as one statement)', () => {
  const s1 = randomUUID();
  const s2 = randomUUID();
  const caseId = randomUUID();

  it('gives one link per signal of each case-membership event', () => {
    const opened = caseOpenedEnvelope(home, caseId, [s1, s2], 'e1');
    expect(caseLinksOf([opened])).toEqual([
      { event_id: 'e1', signal_id: s1, case_id: caseId },
      { event_id: 'e1', signal_id: s2, case_id: caseId },
    ]);
  });

  it('refuses a batch in which a signal occurs twice, in any letter case', () => {
    expect(caseLinksOf([caseOpenedEnvelope(home, caseId, [s1], 'e1'), signalAdded(randomUUID(), s1.toUpperCase())])).toBeNull();
  });

  it('refuses a batch with an event of another kind', () => {
    expect(caseLinksOf([{ ...caseOpenedEnvelope(home, caseId, [s1], 'e1'), type: 'SignalReceived' }])).toBeNull();
  });

  it('gives no link for an unreadable payload', () => {
    expect(caseLinksOf([caseOpenedEnvelope(home, 'not-a-uuid', [s1], 'e1')])).toEqual([]);
  });
});
