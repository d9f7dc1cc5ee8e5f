import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BUILT_IN_TABLES_CONFIG } from '#domain';
import { TABLES_CONFIG, TABLES_CONFIG_PROVIDERS } from '../src/config/tables-config.provider.js';
import { loadConfig, loadTablesConfig } from '#platform';
import { tablesSettingsFrom } from '../src/config/tables-settings.js';

/**
 * The tables configuration is data, read and validated when the app starts: the TABLES_CONFIG provider
 * (what Nest runs at start-up) refuses a file whose profile names an unknown field, naming it.
 */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sr-tables-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(content: unknown): Promise<string> {
  const p = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  await writeFile(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

const startUp = async (configFile: string | null) => {
  const provider = TABLES_CONFIG_PROVIDERS.find((p) => (p as { provide: unknown }).provide === TABLES_CONFIG) as { useFactory: (...args: unknown[]) => Promise<unknown> };
  const topics: string[] = [];
  const transport = { ensureTopics: async (specs: { topic: string }[]) => void topics.push(...specs.map((s) => s.topic)) };
  const config = await provider.useFactory({ configFile, pollIntervalMs: 5000 }, transport, { TOPIC_PARTITIONS: 3 });
  return { config, topics };
};

describe('start-up with a tables configuration file', () => {
  it('uses the built-in configuration without a file, and makes sure every table topic exists', async () => {
    const { config, topics } = await startUp(null);
    expect(config).toBe(BUILT_IN_TABLES_CONFIG);
    expect(topics).toEqual(expect.arrayContaining(['signaalroute.tables.riec.v1', 'signaalroute.referrals.v1', 'signaalroute.liaison.escalations.v1']));
  });

  it('loads a valid file (e.g. a table with its own region and topic)', async () => {
    const custom = JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG));
    custom.tables.push({ ...custom.tables[0], id: 'riec-test', topic: 'signaalroute.tables.riec-test.v1', municipalities: ['GM0363'] });
    const { config, topics } = await startUp(await file(custom));
    expect((config as typeof BUILT_IN_TABLES_CONFIG).tables.map((t) => t.id)).toContain('riec-test');
    expect(topics).toContain('signaalroute.tables.riec-test.v1');
  });

  it('fails when a profile names an unknown field, naming table, case type and field', async () => {
    const broken = JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG));
    broken.tables.find((t: { id: string }) => t.id === 'zvh-jor').profile.fields.ave.push('strafblad');
    await expect(startUp(await file(broken))).rejects.toThrow(/tables\[3\]\.profile\.fields\.ave\[8\]: table "zvh-jor": unknown field "strafblad" in the sharing profile for case type ave/);
  });

  it('fails when a profile would send the BSN', async () => {
    const broken = JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG));
    broken.tables[0].profile.fields['ondermijning-intake'].push('bsn');
    await expect(startUp(await file(broken))).rejects.toThrow(/field "bsn" .* can never be shared/);
  });

  it('fails when an escalation policy names a municipality the politie table does not serve (it could never apply), naming the file, the policy and the municipality', async () => {
    const broken = JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG));
    const police = broken.tables.find((t: { id: string }) => t.id === 'politie');
    police.municipalities = police.municipalities.filter((m: string) => m !== 'GM0153');
    const configFile = await file(broken);
    await expect(startUp(configFile)).rejects.toThrow(
      new RegExp(`TABLES_CONFIG_FILE ${configFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*escalation\\.policies\\[0\\]\\.municipalities: policy "twente" can never apply to GM0153: the politie table does not serve it`, 's'),
    );
  });

  it("fails when the politie table serves a municipality no escalation policy gives tiers (no own policy, no '*'), naming the file and the municipality", async () => {
    const broken = JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG));
    broken.tables.find((t: { id: string }) => t.id === 'politie').municipalities.push('GM0363');
    broken.escalation.policies = broken.escalation.policies.filter((p: { municipalities: unknown }) => p.municipalities !== '*');
    const configFile = await file(broken);
    await expect(startUp(configFile)).rejects.toThrow(
      new RegExp(`TABLES_CONFIG_FILE ${configFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*escalation\\.policies: the politie table serves GM0363 but no escalation policy gives it tiers`, 's'),
    );
  });

  it("fails when a municipality's closing day is not a real date, naming the file, the path and the problem's code", async () => {
    const broken = { ...JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG)), calendars: [{ municipality: 'GM0164', closingDays: ['2026-12-28', '2026-02-30'] }] };
    const configFile = await file(broken);
    await expect(startUp(configFile)).rejects.toThrow(
      new RegExp(`TABLES_CONFIG_FILE ${configFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*calendars\\[0\\]\\.closingDays\\[1\\]: GM0164: "2026-02-30" is not a real date written YYYY-MM-DD \\(CALENDAR\\.DATE_INVALID\\)`, 's'),
    );
  });

  it('fails on a file that is missing or not JSON, naming the file', async () => {
    expect(() => loadTablesConfig(path.join(dir, 'missing.json'))).toThrow(/TABLES_CONFIG_FILE .*missing\.json cannot be read/);
    const notJson = await file('{ nope');
    expect(() => loadTablesConfig(notJson)).toThrow(/is not valid JSON/);
  });

  it('reads its settings from the environment, refusing a bad poll interval', () => {
    expect(tablesSettingsFrom(loadConfig({}))).toEqual({ configFile: null, pollIntervalMs: 5000 });
    expect(tablesSettingsFrom(loadConfig({ TABLES_CONFIG_FILE: '/etc/tables.json', TABLES_POLL_INTERVAL_MS: '250' }))).toEqual({ configFile: '/etc/tables.json', pollIntervalMs: 250 });
    expect(() => loadConfig({ TABLES_POLL_INTERVAL_MS: 'soon' })).toThrow(/TABLES_POLL_INTERVAL_MS/);
  });
});
