import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import { zorgmeldingPayload } from '../../../apps/intake/test/support/intake-fixtures.js';
import { waitFor, type AppHarness } from '../../support/app-harness.js';

/** One municipality of a running product with the people privacy tests need: its intake connector, a coordinator, an administrator. */
export interface PrivacyActors {
  h: AppHarness;
  home: string;
  intakeSystem: string;
  coordinator: string;
  admin: string;
}

const tag = () => randomUUID().slice(0, 8);

/** Tokens for a random municipality; `who` names the coordinator and administrator (as subjects in the tokens). */
export async function privacyActors(h: AppHarness, who: { coordinator: string; admin: string }): Promise<PrivacyActors> {
  const home = `GM${String(1000 + Math.floor(Math.random() * 8000)).padStart(4, '0')}`;
  return {
    h,
    home,
    intakeSystem: await h.token('intake-system', [home], { subject: 'connector' }),
    coordinator: await h.token('coordinator', [home], { subject: who.coordinator }),
    admin: await h.token('admin', [home], { subject: who.admin }),
  };
}

/** A zorgmelding the router knows (its read model has the signal), so a case can be opened from it. */
export async function signalInRouter(a: PrivacyActors, reporter?: { name: string; contact: string; relation: string }): Promise<string> {
  const res = await a.h.request('POST', '/v1/signals/zorgmelding', { token: a.intakeSystem, body: zorgmeldingPayload(a.home, reporter, { concern: `Zorgen ${tag()}` }) });
  expect(res.status).toBe(201);
  const signalId = res.body.signalId as string;
  await waitFor(async () => (await a.h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND source IS NOT NULL', [signalId])).length > 0, { what: 'signal in the router' });
  return signalId;
}

/** A person registered in the municipality by its coordinator. */
export async function registeredSubject(a: PrivacyActors, name: string, birthDate = '1979-04-05'): Promise<string> {
  const res = await a.h.request('POST', '/v1/subjects', { token: a.coordinator, body: { kind: 'person', municipality: a.home, name: `${name} ${tag()}`, birthDate } });
  expect(res.status).toBe(201);
  return res.body.subjectId;
}

/** Database sessions of this test's database now waiting on a lock. */
export async function waitingOnLocks(h: AppHarness): Promise<number> {
  return Number((await h.query<{ n: string }>("SELECT count(*)::text AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))[0]!.n);
}
