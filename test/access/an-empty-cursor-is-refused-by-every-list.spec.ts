import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Role } from '#contracts';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, type AppHarness } from '../support/app-harness.js';

/**
 * `cursor=` (present, empty) is not a cursor the API gave out: every cursor-paginated list refuses it with
 * 400 `VALIDATION.CURSOR_INVALID`. Five lists used to take it as "first page" while the others refused it, so a
 * client's mistake (a missing `nextCursor` sent as an empty string) looped on the first page of some lists only.
 * Real PostgreSQL and Kafka.
 */

const HOME = 'GM0153'; // Enschede: served by the Twente tables

let h: AppHarness;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

const LISTS: { path: string; role: Role; tables?: string[] }[] = [
  { path: '/v1/signals', role: 'coordinator' },
  { path: '/v1/cases', role: 'coordinator' },
  { path: '/v1/legal-holds', role: 'coordinator' },
  { path: '/v1/retention/due', role: 'admin' },
  { path: '/v1/tables/zvh-casusoverleg/referrals', role: 'table-member', tables: ['zvh-casusoverleg'] },
  { path: '/v1/liaison/escalations', role: 'police-liaison' },
  { path: '/v1/audit/processing-log?actor=someone', role: 'auditor' },
  { path: '/v1/audit/break-glass', role: 'auditor' },
];

describe('an empty cursor is refused by every list', () => {
  it.each(LISTS)('GET $path with cursor= → 400 VALIDATION.CURSOR_INVALID', async ({ path, role, tables }) => {
    const token = await h.token(role, role === 'auditor' ? undefined : [HOME], { subject: `empty-cursor-${role}`, tables });
    const res = await h.request('GET', `${path}${path.includes('?') ? '&' : '?'}cursor=`, { token });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'VALIDATION.CURSOR_INVALID' });
  });

  it.each(LISTS)('GET $path without a cursor answers the first page', async ({ path, role, tables }) => {
    const token = await h.token(role, role === 'auditor' ? undefined : [HOME], { subject: `no-cursor-${role}`, tables });
    const res = await h.request('GET', path, { token });
    expect(res.status).toBe(200);
  });
});
