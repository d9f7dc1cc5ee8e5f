import { expect } from '@jest/globals';
import type { AppDescriptor } from '#platform';
import { waitFor, type AppHarness, type HarnessResponse } from '../../../../test/support/app-harness.js';
import { INTAKE_APP, internMeldpuntPayload, mmaPayload, zorgmeldingPayload } from '../../../intake/test/support/intake-fixtures.js';
import { ROUTER_APP } from '../../src/router.app.js';

export { INTAKE_APP, ROUTER_APP };
export { internMeldpuntPayload, mmaPayload, tag, testMunicipality, twoMunicipalities, zorgmeldingPayload } from '../../../intake/test/support/intake-fixtures.js';

/** Intake and router together: a signal enters over HTTP and reaches the router over the signals topic. */
export const PRODUCT_APPS: readonly AppDescriptor[] = [INTAKE_APP, ROUTER_APP];

export const DAY_MS = 86_400_000;

/** A clock that runs with real time plus an offset the test moves. */
export function movableClock(): { now: () => Date; advance(ms: number): void; set(at: Date | string): void } {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
    set: (at) => {
      offset = new Date(at).getTime() - Date.now();
    },
  };
}

/** Sends a signal through intake over HTTP and returns its id. */
export async function sendSignal(h: AppHarness, token: string, source: 'mma' | 'intern-meldpunt' | 'zorgmelding', municipality: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const body = source === 'mma' ? mmaPayload(municipality, overrides) : source === 'intern-meldpunt' ? internMeldpuntPayload(municipality, undefined, overrides) : zorgmeldingPayload(municipality, undefined, overrides);
  const res = await h.request('POST', `/v1/signals/${source}`, { token, body });
  expect(res.status).toBe(201);
  return res.body.signalId as string;
}

/**
 * Opens a case. The router learns of signals from the signals topic, so right after intake a signal may not
 * have arrived yet: the request is repeated while it answers `CASE.SIGNAL_UNKNOWN` (which appends nothing).
 */
export async function openCase(h: AppHarness, token: string, body: Record<string, unknown>): Promise<HarnessResponse> {
  return waitFor(async () => {
    const res = await h.request('POST', '/v1/cases', { token, body });
    return res.status === 422 && res.body?.code === 'CASE.SIGNAL_UNKNOWN' ? undefined : res;
  }, { what: `the router to know signals ${String(body.signalIds)}` });
}

/** Opens a case and checks it was created; returns the response. */
export async function openedCase(h: AppHarness, token: string, body: Record<string, unknown>): Promise<HarnessResponse> {
  const res = await openCase(h, token, body);
  expect({ status: res.status, code: res.body?.code }).toEqual({ status: 201, code: undefined });
  return res;
}

/** POSTs a transition; `etag` is sent as If-Match when given. */
export function takeTransition(h: AppHarness, token: string, caseId: string, body: Record<string, unknown>, etag?: string | null): Promise<HarnessResponse> {
  return h.request('POST', `/v1/cases/${caseId}/transitions`, { token, body, headers: etag ? { 'if-match': etag } : {} });
}

/** Walks transitions in order (each with the previous answer's ETag) and returns the last answer. */
export async function walk(h: AppHarness, token: string, caseId: string, etag: string, steps: Record<string, unknown>[]): Promise<HarnessResponse> {
  let last: HarnessResponse | undefined;
  let current = etag;
  for (const step of steps) {
    last = await takeTransition(h, token, caseId, step, current);
    expect({ transition: step.transition, status: last.status, code: last.body?.code }).toEqual({ transition: step.transition, status: 200, code: undefined });
    expect(last.body.currentState).toBeDefined();
    current = last.headers.get('etag')!;
    expect(current).toBe(`"${last.body.version}"`);
  }
  return last!;
}

/** The event types of a case's stream, oldest first. */
export async function caseEventTypes(h: AppHarness, caseId: string): Promise<string[]> {
  const rows = await h.query<{ type: string }>('SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version', [`case-${caseId}`]);
  return rows.map((r) => r.type);
}

/** Checks status, problem code and content type, and that no event was appended. */
export async function expectRefused(h: AppHarness, send: () => Promise<HarnessResponse>, status: number, code: string): Promise<HarnessResponse> {
  const before = await h.countEvents();
  const res = await send();
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.contentType).toMatch(/^application\/problem\+json/);
  expect(await h.countEvents()).toBe(before);
  return res;
}

/** The ondermijning-intake walk from receipt to the decision that the RIEC takes the case (state `riec`). */
export const TO_RIEC_DECISION: readonly Record<string, unknown>[] = [
  { transition: 'start-weging' },
  { transition: 'ondermijnend' },
  { transition: 'gemeentelijke-taak' },
  { transition: 'besluit-riec', reason: 'Concreet, recent en boven de eigen mogelijkheden' },
];

/** An MMA tip's case walked to the RIEC decision and referred to the RIEC; its referral id. */
export async function caseReferredToRiec(h: AppHarness, coordinator: string, signalId: string, reason = 'Ondermijning: RIEC neemt regie'): Promise<{ caseId: string; referralId: string }> {
  const opened = await openedCase(h, coordinator, { model: 'ondermijning-intake', signalIds: [signalId] });
  const caseId: string = opened.body.caseId;
  await walk(h, coordinator, caseId, opened.headers.get('etag')!, [...TO_RIEC_DECISION]);
  const referred = await h.request('POST', `/v1/cases/${caseId}/referrals`, { token: coordinator, body: { table: 'riec', reason } });
  expect(referred.status).toBe(200);
  return { caseId, referralId: referred.body.referrals.at(-1).referralId as string };
}
