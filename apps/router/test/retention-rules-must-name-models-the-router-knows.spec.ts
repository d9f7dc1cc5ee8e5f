import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FactoryProvider } from '@nestjs/common';
import { AVE_MODEL, BUILT_IN_RETENTION_CONFIG, DomainError } from '#domain';
import { loadConfig } from '#platform';
import { startApp } from '../../../test/support/app-harness.js';
import { createTestDatabase, type TestDatabase } from '../../../test/support/infra.js';
import { RETENTION_CONFIG_PROVIDER } from '../src/privacy/retention/retention-config.provider.js';
import { ROUTER_APP } from '../src/router.app.js';
import { ROUTER_MIGRATIONS } from '../src/router.migrations.js';

/**
 * A retention rule naming a model or closing state that does not exist never matches, so the signals it
 * was meant to keep fall through to a later, shorter rule and are crypto-shredded too early. At start-up the
 * rules are therefore checked against the models the router knows — the built-ins and every version
 * published in `model_versions` — and a rule naming an unknown model, state or retention class stops the
 * start-up, naming the path, the id and the known ones (`RETENTION.CONFIG_INVALID`, like every other invalid rule).
 */

let dir: string;
let t: TestDatabase;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sr-retention-models-'));
  t = await createTestDatabase({ migrations: ROUTER_MIGRATIONS });
});
afterAll(async () => {
  await t?.drop();
  await rm(dir, { recursive: true, force: true });
});

const file = async (name: string, content: unknown) => {
  const p = path.join(dir, name);
  await writeFile(p, JSON.stringify(content));
  return p;
};
const rule = (id: string, outcome: Record<string, unknown>, amount: number, sources = ['zorgmelding']) => ({ id, title: `Regel ${id} van de gemeente`, sources, outcome, keep: { amount, unit: 'years' } });
/** The CCV protocol's year for "no action" undermining signals: a file must apply the class the built-in intake model declares. */
const GEEN_ACTIE = rule('ondermijning-geen-actie', { kind: 'case-closed', retentionClasses: ['een-jaar-versleuteld-dan-vernietigen'] }, 1, ['mma', 'intern-meldpunt']);

/** The Wvggz rule with a typo in its model: without the check it never matches and rule 2 shreds after one year instead of five. */
const MODEL_TYPO = {
  rules: [rule('wvggz-vijf-jaar', { kind: 'case-closed', model: 'wvggz-verkennend-onderzoe' }, 5), rule('zorg-een-jaar', { kind: 'case-closed' }, 1), GEEN_ACTIE],
};
const STATE_TYPO = {
  rules: [
    rule('ondermijning-vijf-jaar', { kind: 'case-closed', model: 'ondermijning-intake', states: ['gemeentelijke-afdeling'] }, 5, ['mma']),
    rule('ondermijning-een-jaar', { kind: 'case-closed', model: 'ondermijning-intake', states: ['niet-ondermijnend', 'geen-gemeentelijke-taak', 'geen-aktie'] }, 1, ['mma']),
    GEEN_ACTIE,
  ],
};

/**
 * The no-action rule by retention class, with a typo in the class: it never matches, and every undermining
 * tip decided "geen actie" falls through to the five-year rule instead of being destroyed after one (both are reported).
 */
const CLASS_TYPO = {
  rules: [
    rule('ondermijning-geen-actie', { kind: 'case-closed', retentionClasses: ['een-jaar-versleuteld-dan-vernietgen'] }, 1, ['mma']),
    rule('casus-afgesloten', { kind: 'case-closed' }, 5, ['mma']),
  ],
};

/** What Nest runs at start-up to provide RETENTION_CONFIG (after the database is migrated). */
const startUp = (rulesFile: string | null) =>
  (RETENTION_CONFIG_PROVIDER as FactoryProvider).useFactory(loadConfig(rulesFile ? { RETENTION_RULES_FILE: rulesFile } : {}), t.db) as Promise<unknown>;

const failureOf = async (promise: Promise<unknown>): Promise<DomainError> => {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected the start-up to fail');
};

describe('retention rules are checked against the models the router knows at start-up', () => {
  it('the built-in rules pass', async () => {
    await expect(startUp(null)).resolves.toBe(BUILT_IN_RETENTION_CONFIG);
  });

  it('a misspelt model stops the start-up with RETENTION.CONFIG_INVALID naming the path, the id and the known models', async () => {
    const failure = await failureOf(startUp(await file('model-typo.json', MODEL_TYPO)));
    expect(failure).toBeInstanceOf(DomainError);
    expect(failure.code).toBe('RETENTION.CONFIG_INVALID');
    expect(failure.message).toMatch(
      /^RETENTION_RULES_FILE .*model-typo\.json: invalid retention rules:\n {2}- rules\[0\]\.outcome\.model: rule "wvggz-vijf-jaar": unknown model "wvggz-verkennend-onderzoe" \(known models: 7-stappenmodel, ave, ondermijning-intake, wvggz-verkennend-onderzoek\)$/,
    );
    expect(failure.details?.problems).toEqual([{ path: 'rules[0].outcome.model', message: expect.stringContaining('unknown model "wvggz-verkennend-onderzoe"') }]);
  });

  it('a misspelt state stops the start-up naming the path, the id and the model\'s closing states', async () => {
    await expect(startUp(await file('state-typo.json', STATE_TYPO))).rejects.toThrow(
      /state-typo\.json: invalid retention rules:\n {2}- rules\[1\]\.outcome\.states\[2\]: rule "ondermijning-een-jaar": "geen-aktie" is not a closing state of model "ondermijning-intake" \(its closing states: afgesloten, geen-actie, geen-gemeentelijke-taak, gemeentelijke-afdeling, niet-ondermijnend\)/,
    );
  });

  it('a model and state known only from a version published in the database count', async () => {
    const own = await file('own-model.json', { rules: [rule('eigen-model-afgesloten', { kind: 'case-closed', model: 'eigen-zorgmodel', states: ['afgesloten'] }, 3), GEEN_ACTIE] });
    await expect(startUp(own)).rejects.toThrow(/rules\[0\]\.outcome\.model: rule "eigen-model-afgesloten": unknown model "eigen-zorgmodel"/);
    await t.db.query("INSERT INTO model_versions (id, version, definition, published_at, published_by) VALUES ($1, 1, $2::jsonb, now(), 'test')", [
      'eigen-zorgmodel',
      JSON.stringify({ ...structuredClone(AVE_MODEL), id: 'eigen-zorgmodel', title: 'Eigen zorgmodel' }),
    ]);
    await expect(startUp(own)).resolves.toMatchObject({ rules: [{ id: 'eigen-model-afgesloten' }, { id: 'ondermijning-geen-actie' }] });
  });

  it('a retention class no closing state of any model declares stops the start-up naming the path, the class and the known classes', async () => {
    const failure = await failureOf(startUp(await file('class-typo.json', CLASS_TYPO)));
    expect(failure.code).toBe('RETENTION.CONFIG_INVALID');
    expect(failure.message).toMatch(
      /^RETENTION_RULES_FILE .*class-typo\.json: invalid retention rules:\n {2}- rules\[0\]\.outcome\.retentionClasses\[0\]: rule "ondermijning-geen-actie": no closing state of any model declares retention class "een-jaar-versleuteld-dan-vernietgen" \(known retention classes: een-jaar-versleuteld-dan-vernietigen\)\n {2}- rules: built-in model "ondermijning-intake": state "geen-actie" declares retention class "een-jaar-versleuteld-dan-vernietigen", but no rule applies it to a case closed there \(classes the rules apply there: een-jaar-versleuteld-dan-vernietgen; rule "casus-afgesloten" comes first and decides for such a case\)$/,
    );
    expect(failure.details?.problems).toEqual([
      { path: 'rules[0].outcome.retentionClasses[0]', message: expect.stringContaining('"een-jaar-versleuteld-dan-vernietgen"') },
      { path: 'rules', message: expect.stringContaining('rule "casus-afgesloten" comes first and decides for such a case') },
    ]);
  });

  it('a retention class declared only by a version published in the database counts', async () => {
    const own = await file('own-class.json', { rules: [rule('drie-jaar', { kind: 'case-closed', retentionClasses: ['drie-jaar-dan-vernietigen'] }, 3), GEEN_ACTIE] });
    await expect(startUp(own)).rejects.toThrow(/rules\[0\]\.outcome\.retentionClasses\[0\]: rule "drie-jaar": no closing state of any model declares retention class "drie-jaar-dan-vernietigen"/);
    const definition = structuredClone(AVE_MODEL) as unknown as { id: string; title: string; states: { terminal?: boolean; retentionClass?: string }[] };
    for (const s of definition.states) if (s.terminal) s.retentionClass = 'drie-jaar-dan-vernietigen';
    await t.db.query("INSERT INTO model_versions (id, version, definition, published_at, published_by) VALUES ($1, 1, $2::jsonb, now(), 'test')", [
      'eigen-avemodel',
      JSON.stringify({ ...definition, id: 'eigen-avemodel', title: 'Eigen AVE' }),
    ]);
    await expect(startUp(own)).resolves.toMatchObject({ rules: [{ id: 'drie-jaar' }, { id: 'ondermijning-geen-actie' }] });
  });
});

describe('the router process', () => {
  it('does not start with a rules file naming an unknown model', async () => {
    const rulesFile = await file('router-model-typo.json', MODEL_TYPO);
    const failure = await failureOf(startApp({ apps: [ROUTER_APP], env: { RETENTION_RULES_FILE: rulesFile } }).then((started) => started.stop()));
    expect(failure.code).toBe('RETENTION.CONFIG_INVALID');
    expect(failure.message).toMatch(/router-model-typo\.json: invalid retention rules:\n {2}- rules\[0\]\.outcome\.model: rule "wvggz-vijf-jaar": unknown model "wvggz-verkennend-onderzoe"/);
  });

  it('does not start with a rules file naming a retention class no model declares', async () => {
    const rulesFile = await file('router-class-typo.json', CLASS_TYPO);
    const failure = await failureOf(startApp({ apps: [ROUTER_APP], env: { RETENTION_RULES_FILE: rulesFile } }).then((started) => started.stop()));
    expect(failure.code).toBe('RETENTION.CONFIG_INVALID');
    expect(failure.message).toMatch(/router-class-typo\.json: invalid retention rules:\n {2}- rules\[0\]\.outcome\.retentionClasses\[0\]: rule "ondermijning-geen-actie": no closing state of any model declares retention class "een-jaar-versleuteld-dan-vernietgen"/);
  });
});
