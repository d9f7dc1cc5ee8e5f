import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mmaPayload, zorgmeldingPayload } from '../../apps/intake/test/support/intake-fixtures.js';
import { ALL_APPS } from '../../apps/signaalroute/src/all-apps.js';
import { startApp, type AppHarness } from '../support/app-harness.js';

/**
 * A field that holds one object (a legal hold's `target`, a signal's `location`, a zorgmelding's `subject`) sent as
 * a list: class-validator validated the list's elements as if each were the object, so `[{"kind": "signal", "id":
 * …}]` passed and the controller read `target.id` of the list: a 500 (`TypeError`). Now it is 400
 * `VALIDATION.FAILED`, and nothing is stored. Real PostgreSQL and Kafka.
 */

let h: AppHarness;
const home = 'GM0153';
let connector: string;
let coordinator: string;

beforeAll(async () => {
  h = await startApp({ apps: ALL_APPS });
  connector = await h.token('intake-system', [home], { subject: 'connector-lists' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-lists' });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

async function refused(path: string, token: string, body: unknown): Promise<void> {
  const before = await h.countEvents();
  const res = await h.request('POST', path, { token, body });
  expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 400, code: 'VALIDATION.FAILED' });
  expect(await h.countEvents()).toBe(before);
}

describe('a nested object sent as a list', () => {
  it.each([[[]], [[[]]], [[{ kind: 'signal', id: randomUUID() }]]])("is refused as a legal hold's target (%j)", async (target) => {
    await refused('/v1/legal-holds', coordinator, { target, reason: 'Strafrechtelijk onderzoek, PV 2026-0042' });
  });

  it("is refused as a signal's location or a zorgmelding's subject", async () => {
    const mma = mmaPayload(home) as Record<string, unknown>;
    await refused('/v1/signals/mma', connector, { ...mma, location: [mma.location] });
    const zorg = zorgmeldingPayload(home) as Record<string, unknown>;
    await refused('/v1/signals/zorgmelding', connector, { ...zorg, subject: [zorg.subject] });
  });
});
