import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';
import { privacyActors, registeredSubject, signalInRouter, type PrivacyActors } from './support/privacy-actors.js';

/**
 * Erasing a subject and linking a signal to it never miss each other: erasure reads the links on the signals'
 * own streams (the source of record, not the router's Kafka-fed read model) after locking the subject, and a
 * link takes the same lock and is refused once the subject is erased. Real PostgreSQL and Kafka.
 */

let h: AppHarness;
let actors: PrivacyActors;
let coordinator: string;
let admin: string;
const tag = () => randomUUID().slice(0, 8);
const reporter = { name: `Melder ${tag()}`, contact: `melder-${tag()}@example.nl`, relation: 'familie' };

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  actors = await privacyActors(h, { coordinator: 'coordinator-bo', admin: 'admin-fg' });
  ({ coordinator, admin } = actors);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const subject = () => registeredSubject(actors, 'Pieter Race', '1981-02-03');
const signal = () => signalInRouter(actors, reporter);

const erase = (subjectId: string) => h.request('POST', `/v1/subjects/${subjectId}/erasure`, { token: admin, body: { reason: 'Verzoek van betrokkene AVG art. 17' } });
const link = (signalId: string, subjectId: string) => h.request('POST', `/v1/signals/${signalId}/subject`, { token: coordinator, body: { subjectId } });
const signalKeyDestroyed = async (signalId: string) =>
  (await h.query('SELECT 1 FROM data_keys WHERE owner = $1 AND wrapped_key IS NULL', [`signal:${signalId}`])).length > 0;

describe('erasure of a subject and linking a signal to it', () => {
  it('erasure destroys a signal linked on its stream that the router read model has not seen yet', async () => {
    const subjectId = await subject();
    const signalId = await signal();
    expect((await link(signalId, subjectId)).status).toBe(200);
    await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND subject_id = $2', [signalId, subjectId])).length > 0, { what: 'link in the router' });
    // As if the link were still on its way over Kafka: the read model does not know it.
    await h.query('UPDATE router_signals SET subject_id = NULL WHERE signal_id = $1', [signalId]);
    const res = await erase(subjectId);
    expect(res.status).toBe(200);
    expect(res.body.signalIds).toEqual([signalId]);
    expect(await signalKeyDestroyed(signalId)).toBe(true);
  });

  it('a signal moved on to another subject is not erased with the first', async () => {
    const first = await subject();
    const second = await subject();
    const signalId = await signal();
    expect((await link(signalId, first)).status).toBe(200);
    expect((await link(signalId, second)).status).toBe(200);
    const res = await erase(first);
    expect(res.status).toBe(200);
    expect(res.body.signalIds).toEqual([]);
    expect(await signalKeyDestroyed(signalId)).toBe(false);
  });

  it('a signal cannot be linked to an erased subject: 410 PRIVACY.ERASED, nothing appended', async () => {
    const subjectId = await subject();
    const signalId = await signal();
    expect((await erase(subjectId)).status).toBe(200);
    const res = await link(signalId, subjectId);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 410, code: 'PRIVACY.ERASED' });
    expect(await h.query("SELECT 1 FROM events WHERE stream_id = $1 AND type = 'SignalLinkedToSubject'", [`signal-${signalId}`])).toHaveLength(0);
  });

  it('sent at the same moment, either the link is refused or the linked signal is erased too', async () => {
    const pairs = await Promise.all(Array.from({ length: 8 }, async () => ({ subjectId: await subject(), signalId: await signal() })));
    const outcomes = await Promise.all(pairs.map(async ({ subjectId, signalId }) => {
      const [linked, erased] = await Promise.all([link(signalId, subjectId), erase(subjectId)]);
      return { linked: linked.status, erased: erased.status, signalErased: await signalKeyDestroyed(signalId) };
    }));
    for (const o of outcomes) {
      expect(o.erased).toBe(200);
      // Linked first: the erasure saw the link and took the signal with it. Erased first: the link was refused.
      expect(o.linked === 200 ? o.signalErased : o.linked).toBe(o.linked === 200 ? true : 410);
    }
  });
});
