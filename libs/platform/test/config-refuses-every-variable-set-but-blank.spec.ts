import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getMetadataStorage } from 'class-validator';
import { AppConfig, ConfigError, loadConfig, startProcess } from '#platform';
import { configProblems } from './config-problems.js';

/**
 * Bad input gets a clear error and changes nothing — at the configuration edge too. A variable that is set but blank
 * (empty, or only whitespace) was read as unset: `DATABASE_URL=` ran on the embedded database, `SIGNAALROUTE_MASTER_KEY=`
 * next to PostgreSQL made a host-local key file, `KAFKA_BROKERS='  '` fell back to the in-process transport, and
 * `TABLES_CONFIG_FILE=` took the built-in tables. Unset means the default; blank is refused, naming the variable.
 */

/** Every variable of the configuration: each validated property of AppConfig. */
const VARIABLES = [...new Set(getMetadataStorage().getTargetValidationMetadatas(AppConfig, '', true, false).map((m) => m.propertyName))].sort();


const blankProblem = (variable: string) => `${variable}: ${variable} is set but blank: unset it for the default, or give it a value`;

describe('a configuration variable set but blank', () => {
  it('covers every variable of the configuration', () => {
    expect(VARIABLES).toEqual(expect.arrayContaining(['DATABASE_URL', 'KAFKA_BROKERS', 'PORT', 'HOST', 'SIGNAALROUTE_MASTER_KEY', 'TABLES_CONFIG_FILE', 'RETENTION_RULES_FILE', 'SIGNAALROUTE_DATA_DIR']));
    expect(VARIABLES.length).toBeGreaterThan(30);
  });

  it.each(VARIABLES.flatMap((variable) => ['', '  ', '\t'].map((blank) => [variable, blank] as const)))('%s=%j is refused, naming only that variable', (variable, blank) => {
    expect(configProblems({ [variable]: blank })).toEqual([blankProblem(variable)]);
  });

  it('names every blank variable at once, next to the other bad ones', () => {
    expect(configProblems({ DATABASE_URL: '', KAFKA_BROKERS: '  ', PORT: 'eighty' })).toEqual([blankProblem('DATABASE_URL'), blankProblem('KAFKA_BROKERS'), expect.stringMatching(/^PORT: /)]);
  });

  it('a blank master key next to PostgreSQL is refused, not a reason to make a key file on this host', () => {
    expect(configProblems({ DATABASE_URL: 'postgres://u@h:5432/db', SIGNAALROUTE_MASTER_KEY: '' })).toEqual([blankProblem('SIGNAALROUTE_MASTER_KEY')]);
  });

  it('unset still means the default', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', SIGNAALROUTE_DATA_DIR: './.signaalroute' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.KAFKA_BROKERS).toBeUndefined();
    expect(config.TABLES_CONFIG_FILE).toBeUndefined();
  });
});

describe('a process started with a blank DATABASE_URL', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sr-blank-config-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('does not start, and creates no embedded database and no key in the data folder', async () => {
    const dataDir = path.join(dir, 'data');
    await expect(startProcess([], { env: { DATABASE_URL: '', SIGNAALROUTE_DATA_DIR: dataDir }, listen: false })).rejects.toThrow(ConfigError);
    expect(existsSync(dataDir)).toBe(false);
  });
});
