import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, type AppHarness } from '../support/app-harness.js';

/**
 * A time filter whose start is not before its end is a typing mistake, and every list says so the same way:
 * 400 `VALIDATION.RANGE_INVALID`. Before, the triage queue and the case list answered an empty page (which reads
 * as "nothing happened then") while the processing log refused it. Real PostgreSQL and Kafka.
 */

let h: AppHarness;
let coordinator: string;
let auditor: string;
const later = '2026-06-01T00:00:00Z';
const earlier = '2026-05-01T00:00:00Z';

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  coordinator = await h.token('coordinator', ['GM0153'], { subject: 'coordinator-ranges' });
  auditor = await h.token('auditor', [], { subject: 'auditor-ranges' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('an inverted or empty time range', () => {
  it.each([
    ['/v1/signals', 'receivedFrom', 'receivedTo', () => coordinator],
    ['/v1/cases', 'openedFrom', 'openedTo', () => coordinator],
    ['/v1/audit/processing-log', 'from', 'to', () => auditor],
  ] as const)('is refused on %s (%s after %s, or equal), naming the parameters', async (path, from, to, token) => {
    for (const [start, end] of [[later, earlier], [later, later]]) {
      const res = await h.request('GET', `${path}?${from}=${start}&${to}=${end}`, { token: token() });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'VALIDATION.RANGE_INVALID' });
      expect(res.body.title).toContain(`\`${from}\` must be before \`${to}\``);
    }
    const ordered = await h.request('GET', `${path}?${from}=${earlier}&${to}=${later}`, { token: token() });
    expect(ordered.status).toBe(200);
  });
});
