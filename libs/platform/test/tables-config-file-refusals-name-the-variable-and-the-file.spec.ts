import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BUILT_IN_TABLES_CONFIG, DomainError } from '#domain';
import { loadTablesConfig } from '#platform';

/**
 * Bad input gets a clear error naming the setting. A tables configuration file that was readable JSON but invalid
 * was refused with "invalid tables configuration: …", naming neither TABLES_CONFIG_FILE nor the file: the operator
 * learnt what was wrong, not where. Every refusal names both, as the retention rules' refusals name
 * RETENTION_RULES_FILE and its file; the code and the problems stay as the validation gave them.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'sr-tables-file-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const file = async (name: string, content: unknown) => {
  const p = path.join(dir, name);
  await writeFile(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};

/** The error `loadTablesConfig(configFile)` throws (fails the test when it takes the file). */
function refusal(configFile: string): Error {
  try {
    loadTablesConfig(configFile);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected ${configFile} to be refused`);
}

describe('TABLES_CONFIG_FILE refusals', () => {
  it('an invalid configuration names TABLES_CONFIG_FILE and the file, keeping the code and the problems', async () => {
    // A JSON copy: in the built-in configuration tables share profile objects.
    const broken = JSON.parse(JSON.stringify(BUILT_IN_TABLES_CONFIG)) as { tables: { id: string; profile: { fields: Record<string, string[]> } }[] };
    broken.tables.find((t) => t.id === 'zvh-jor')!.profile.fields.ave!.push('strafblad');
    const configFile = await file('unknown-field.json', broken);
    const error = refusal(configFile);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('TABLES.CONFIG_INVALID');
    expect(error.message).toMatch(new RegExp(`^TABLES_CONFIG_FILE ${configFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: invalid tables configuration:\\n {2}- tables\\[3\\]\\.profile\\.fields\\.ave\\[8\\]: .*"strafblad"`));
    expect((error as DomainError).details).toMatchObject({ file: configFile, problems: [{ path: 'tables[3].profile.fields.ave[8]', message: expect.stringContaining('"strafblad"') }] });
  });

  it.each([
    ['a file that is missing', () => Promise.resolve(path.join(dir, 'missing.json'))],
    ['a file that is not JSON', () => file('not-json.json', '{ nope')],
    ['a file that holds no configuration at all', () => file('null.json', 'null')],
    ['a file that holds a list', () => file('list.json', '[]')],
  ])('%s is refused naming TABLES_CONFIG_FILE and the file', async (_what, make) => {
    const configFile = await make();
    expect(refusal(configFile).message.startsWith(`TABLES_CONFIG_FILE ${configFile}`)).toBe(true);
  });

  it('a valid file and the built-in configuration are taken', async () => {
    expect(loadTablesConfig(null)).toBe(BUILT_IN_TABLES_CONFIG);
    expect(loadTablesConfig(await file('valid.json', BUILT_IN_TABLES_CONFIG))).toEqual(BUILT_IN_TABLES_CONFIG);
  });
});
