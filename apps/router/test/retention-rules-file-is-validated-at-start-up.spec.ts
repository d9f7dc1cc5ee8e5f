import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BUILT_IN_RETENTION_CONFIG } from '#domain';
import { loadRetentionConfig } from '../src/privacy/retention/retention-config.provider.js';

/** A retention rules file replaces the built-in rules, and a bad one stops the start-up saying what is wrong. */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sr-retention-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const file = async (name: string, text: string) => {
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
};

describe('RETENTION_RULES_FILE', () => {
  it('unset: the built-in rules', () => {
    expect(loadRetentionConfig(null)).toBe(BUILT_IN_RETENTION_CONFIG);
  });

  it('a valid file replaces the built-in rules', async () => {
    const rules = { rules: [{ id: 'alles-na-zes-maanden', title: 'Afgewezen signalen na zes maanden vernietigen', outcome: { kind: 'dismissed' }, keep: { amount: 6, unit: 'months' } }] };
    expect(loadRetentionConfig(await file('ok.json', JSON.stringify(rules)))).toEqual(rules);
  });

  it('a missing file, bad JSON or an invalid rule stops the start-up with a message naming the file and the problem', async () => {
    expect(() => loadRetentionConfig(path.join(dir, 'missing.json'))).toThrow(/RETENTION_RULES_FILE .*missing\.json cannot be read/);
    const bad = await file('bad.json', '{ rules: [');
    expect(() => loadRetentionConfig(bad)).toThrow(/bad\.json is not valid JSON/);
    const invalid = await file('invalid.json', JSON.stringify({ rules: [{ id: 'geen-actie', title: 'Geen actie na een jaar', outcome: { kind: 'case-closed' }, keep: { amount: 1, unit: 'weeks' } }] }));
    expect(() => loadRetentionConfig(invalid)).toThrow(/invalid\.json: invalid retention rules:\n {2}- rules\[0\]\.keep: rule "geen-actie": keep must be/);
  });
});
