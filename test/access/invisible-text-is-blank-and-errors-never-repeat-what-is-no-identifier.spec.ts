import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectRefused, mmaPayload, openedCase, PRODUCT_APPS, sendSignal, testMunicipality } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, type AppHarness } from '../support/app-harness.js';

/**
 * Text of only invisible characters is blank wherever blank is refused, control characters are refused in all
 * text, and a refusal names an unknown key only when it is an identifier. Each is a 4xx with a stable code that
 * appends nothing. Found by an HTTP sweep; real PostgreSQL and Kafka.
 */

let h: AppHarness;
const home = testMunicipality();
let connector: string;
let coordinator: string;
let caseId: string;

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS });
  connector = await h.token('intake-system', [home], { subject: 'connector-invisible' });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-invisible' });
  const signalId = await sendSignal(h, coordinator, 'mma', home);
  caseId = (await openedCase(h, coordinator, { model: 'ave', signalIds: [signalId] })).body.caseId;
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('text of only invisible characters is blank', () => {
  it('a responsibility handed to a zero-width space: 400 CASE.FIELD_REQUIRED, and the holder stays who it was', async () => {
    const before = (await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator })).body.responsibilities;
    expect(before).toBeDefined();
    await expectRefused(h, () => h.request('POST', `/v1/cases/${caseId}/regie`, { token: coordinator, body: { responsibility: 'casusregie', holder: '\u200b', reason: 'Overdracht aan het wijkteam' } }), 400, 'CASE.FIELD_REQUIRED');
    expect((await h.request('GET', `/v1/cases/${caseId}`, { token: coordinator })).body.responsibilities).toEqual(before);
  });

  it('an MMA tip whose description is a zero-width space: 400 SIGNAL.FIELD_INVALID naming the description', async () => {
    const res = await expectRefused(h, () => h.request('POST', '/v1/signals/mma', { token: connector, body: mmaPayload(home, { description: '\u200b' }) }), 400, 'SIGNAL.FIELD_INVALID');
    expect(res.body.field).toBe('description');
  });
});

describe('control characters and unknown keys', () => {
  it('an MMA reference with an ESC in it: 400 VALIDATION.FAILED naming externalRef (storableText)', async () => {
    const res = await expectRefused(h, () => h.request('POST', '/v1/signals/mma', { token: connector, body: mmaPayload(home, { externalRef: 'MMA-1\u001b[2J' }) }), 400, 'VALIDATION.FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ path: 'externalRef', constraints: ['storableText'] })]);
  });

  it('an unknown body key that is a name and a BSN is refused without being repeated', async () => {
    const res = await expectRefused(h, () => h.request('POST', `/v1/cases/${caseId}/notes`, { token: coordinator, body: { text: 'Gesprek gevoerd', visibility: 'intern', 'J. Jansen BSN 111222333': 'x' } }), 400, 'VALIDATION.FAILED');
    expect(res.body.errors).toEqual([expect.objectContaining({ path: '(a field name that is not an identifier)', constraints: ['whitelistValidation'] })]);
    expect(JSON.stringify(res.body)).not.toContain('111222333');
  });
});
