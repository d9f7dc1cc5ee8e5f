import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addRetentionPeriod, amsterdamDateOf, fromDayNumber, toDayNumber, type CalendarDate } from '#domain';
import { expectRefused, movableClock, openedCase, PRODUCT_APPS, sendSignal, testMunicipality, walk } from '../../apps/router/test/support/router-fixtures.js';
import { startApp, waitFor, type AppHarness } from '../support/app-harness.js';

/**
 * End to end on real PostgreSQL and Kafka, under the built-in retention rules. The CCV protocol keeps an
 * undermining tip decided "no action" one year, encrypted, then destroys it; the intake model says so by the
 * retention class of its no-action state. An administrator publishes a version of `ondermijning-intake` that
 * renames that state (`geen-actie-besluit`) but keeps its class: a tip decided there is still due one year after
 * the decision under `ondermijning-geen-actie`, not five years under `casus-afgesloten` as when the rule named
 * the state. A version declaring a class no rule applies is refused (422 `MODEL.RETENTION_CLASS_UNKNOWN`) and
 * appends nothing.
 */

const KLASSE = 'een-jaar-versleuteld-dan-vernietigen';
let h: AppHarness;
const clock = movableClock();
const home = testMunicipality();
let coordinator: string;
let admin: string;
/** Version 1 of the built-in intake model, as the API gives it. */
let intakeV1: { version: number; title: string; states: { id: string; retentionClass?: string }[]; transitions: { to: string }[] };

const setDay = (date: CalendarDate) => clock.set(`${date}T10:30:00.000Z`);
const dayBefore = (date: CalendarDate) => fromDayNumber(toDayNumber(date) - 1);
const keyAlive = async (signalId: string) => (await h.query('SELECT 1 FROM data_keys WHERE owner = $1 AND wrapped_key IS NOT NULL', [`signal:${signalId}`])).length === 1;
const dueItem = async (signalId: string) => (await h.request('GET', '/v1/retention/due', { token: admin })).body.items.find((i: { signalId?: string }) => i.signalId === signalId);

/** A new version of the intake model whose no-action state is named `geen-actie-besluit` and declares `retentionClass`. */
function renamedNoAction(version: number, retentionClass: string): typeof intakeV1 {
  const def = structuredClone(intakeV1);
  def.version = version;
  def.title = `${intakeV1.title} (besluit hernoemd)`;
  const state = def.states.find((s) => s.id === 'geen-actie')!;
  state.id = 'geen-actie-besluit';
  state.retentionClass = retentionClass;
  for (const t of def.transitions) if (t.to === 'geen-actie') t.to = 'geen-actie-besluit';
  return def;
}

beforeAll(async () => {
  h = await startApp({ apps: PRODUCT_APPS, clock: clock.now, env: { RETENTION_POLL_INTERVAL_MS: '86400000' } });
  coordinator = await h.token('coordinator', [home], { subject: 'coordinator-rita' });
  admin = await h.token('admin', [home], { subject: 'admin-fg' });
  const v1 = await h.request('GET', '/v1/models/ondermijning-intake/versions/1', { token: admin });
  expect(v1.status).toBe(200);
  intakeV1 = v1.body.definition;
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('publishing a model version whose terminal state declares a retention class no rule applies', () => {
  it('is refused with 422 MODEL.RETENTION_CLASS_UNKNOWN naming the state, the class and the known classes, and appends nothing', async () => {
    const versionsBefore = await h.query('SELECT 1 FROM model_versions');
    const refused = await expectRefused(h, () => h.request('POST', '/v1/models', { token: admin, body: renamedNoAction(2, 'twee-jaar-dan-vernietigen') }), 422, 'MODEL.RETENTION_CLASS_UNKNOWN');
    expect(refused.body).toMatchObject({ state: 'geen-actie-besluit', retentionClass: 'twee-jaar-dan-vernietigen', known: [KLASSE] });
    expect(refused.body.title).toContain('no retention rule applies it');
    expect(await h.query('SELECT 1 FROM model_versions')).toHaveLength(versionsBefore.length);
    expect((await h.request('GET', '/v1/models/ondermijning-intake/versions/2', { token: admin })).status).toBe(404);
  });
});

describe('a renamed no-action state that keeps its retention class', () => {
  let decided: { signalId: string; caseId: string; dueOn: CalendarDate };

  beforeAll(async () => {
    // Version 2 takes the number the refused version did not use.
    const published = await h.request('POST', '/v1/models', { token: admin, body: renamedNoAction(2, KLASSE) });
    expect({ status: published.status, code: published.body?.code }).toEqual({ status: 201, code: undefined });

    const signalId = await sendSignal(h, coordinator, 'mma', home);
    const opened = await openedCase(h, coordinator, { model: 'ondermijning-intake', signalIds: [signalId] });
    expect(opened.body.model).toMatchObject({ id: 'ondermijning-intake', version: 2 });
    const last = await walk(h, coordinator, opened.body.caseId, opened.headers.get('etag')!, [
      { transition: 'start-weging' },
      { transition: 'ondermijnend' },
      { transition: 'gemeentelijke-taak' },
      { transition: 'besluit-geen-actie', reason: 'Niet concreet genoeg, geen trend' },
    ]);
    expect(last.body).toMatchObject({ currentState: 'geen-actie-besluit', status: 'closed', retentionClass: KLASSE });
    decided = { signalId, caseId: opened.body.caseId, dueOn: addRetentionPeriod(amsterdamDateOf(new Date(last.body.closedAt)), { amount: 1, unit: 'years' }) };
    await waitFor(async () => (await h.query('SELECT 1 FROM router_signals WHERE signal_id = $1 AND case_id IS NOT NULL', [signalId])).length > 0, { what: 'the case in the router' });
  }, 120_000);

  it('is not due the day before the anniversary of the decision', async () => {
    setDay(dayBefore(decided.dueOn));
    expect(await dueItem(decided.signalId)).toBeUndefined();
  });

  it('is due on it under ondermijning-geen-actie (one year, not five under casus-afgesloten), and the run destroys it', async () => {
    setDay(decided.dueOn);
    expect(await dueItem(decided.signalId)).toMatchObject({ rule: 'ondermijning-geen-actie', dueOn: decided.dueOn, holds: [] });
    const run = await h.request('POST', '/v1/retention/runs', { token: admin });
    expect(run.status).toBe(201);
    // The destroying transaction re-reads the case and decides the same rule.
    expect(run.body.shredded.filter((s: { signalId?: string }) => s.signalId === decided.signalId)).toEqual([expect.objectContaining({ rule: 'ondermijning-geen-actie', keysDestroyed: 2 })]);
    expect(await keyAlive(decided.signalId)).toBe(false);
    expect(await h.query('SELECT 1 FROM data_keys WHERE owner = $1 AND wrapped_key IS NOT NULL', [`case:${decided.caseId}`])).toHaveLength(0);
  });
});
