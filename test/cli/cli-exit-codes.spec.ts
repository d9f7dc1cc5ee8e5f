import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { CannotRunError, dataDirFrom, embeddedDatabaseProblem, envSetting, errorText, parseFlags, refuseGiven, runCli, UsageError, wholeNumberFlag } from '../../scripts/cli.js';

/** The exit codes every CLI of the project (`npm run audit`, `npm run keys`) answers with. */
describe('a CLI command', () => {
  let stdout: string[];
  let stderr: string[];
  const written = () => [...stderr, ...stdout].join('');
  beforeEach(() => {
    stdout = [];
    stderr = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true));
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const commands = {
    found: async () => 1,
    fine: async (args: string[]) => (args.length === 0 ? 0 : 1),
    misused: async () => {
      throw new UsageError('--batch must be an integer');
    },
    unreachable: async () => {
      throw new CannotRunError('cannot reach the database');
    },
    broken: async () => {
      throw new Error('boom');
    },
    flagged: async (args: string[]) => {
      parseFlags(args, { options: { url: { type: 'string' } } });
      return 0;
    },
  };
  const run = (...argv: string[]) => runCli('tool', 'Usage: tool <command>', commands, argv);

  it('returns what the command returns: 0 done, 1 the check found something', async () => {
    expect(await run('fine')).toBe(0);
    expect(await run('fine', 'x')).toBe(1);
    expect(await run('found')).toBe(1);
  });

  it('answers bad usage, an unknown command or no command with 2 and the usage text', async () => {
    expect(await run('misused')).toBe(2);
    expect(written()).toContain('--batch must be an integer\nUsage: tool <command>');
    expect(await run('nope')).toBe(2);
    expect(written()).toContain('unknown command "nope"');
    expect(await run('toString')).toBe(2);
    expect(await run()).toBe(2);
    expect(await run('--help')).toBe(0);
  });

  it('writes the usage of a mistake (no command, a parse error) to stderr only, exit 2', async () => {
    expect(await run()).toBe(2);
    expect(await run('flagged', '--nope')).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr.join('')).toMatch(/no command given\nUsage: tool <command>[\s\S]*'--nope'[\s\S]*Usage: tool <command>/);
  });

  it('writes the usage asked for (--help, -h, also after a command) to stdout only, exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['fine', '--help'], ['flagged', '--url', 'x', '-h']]) {
      stdout = [];
      expect({ argv, code: await run(...argv) }).toEqual({ argv, code: 0 });
      expect(stdout.join('')).toBe('Usage: tool <command>\n');
    }
    expect(stderr).toEqual([]);
    expect(await run('fine', '--', '--help')).toBe(1);
  });

  it('answers 3 when it cannot run, naming why', async () => {
    expect(await run('unreachable')).toBe(3);
    expect(written()).toContain('cannot reach the database');
    expect(await run('broken')).toBe(3);
    expect(written()).toContain('tool failed: boom');
  });

  it('refuses a flag given twice with 2, naming it, where parseArgs would keep the last value', async () => {
    expect(await run('flagged', '--url', 'a', '--url', 'b')).toBe(2);
    expect(await run('flagged', '--url=a', '--url', 'a')).toBe(2);
    expect(stderr.join('')).toContain('--url is given more than once');
    expect(await run('flagged', '--url', 'a')).toBe(0);
  });
});

describe('parseFlags', () => {
  const options = { list: { type: 'boolean' }, name: { type: 'string', short: 'n' }, anchor: { type: 'string', multiple: true } } as const;

  it.each([
    [['--name', 'a', '--name', 'b'], '--name'],
    [['--name', 'a', '-n', 'b'], '--name'],
    [['--list', '--list'], '--list'],
  ])('refuses %j naming %s', (argv, flag) => {
    expect(() => parseFlags(argv, { options })).toThrow(new UsageError(`${flag} is given more than once: give it once (the last one would silently win)`));
  });

  it('lets a flag declared multiple repeat, and answers what parseArgs answers', () => {
    expect(parseFlags(['--anchor', '1:a', '--anchor', '2:b', '--name', 'x'], { options }).values).toEqual({ anchor: ['1:a', '2:b'], name: 'x' });
  });

  it('turns parseArgs errors into usage errors', () => {
    expect(() => parseFlags(['--nope'], { options })).toThrow(UsageError);
    expect(() => parseFlags(['file'], { options })).toThrow(UsageError);
    expect(parseFlags(['file'], { options, allowPositionals: true }).positionals).toEqual(['file']);
  });
});

describe('refuseGiven', () => {
  it('refuses the first given flag the mode does not use, naming it and why', () => {
    expect(() => refuseGiven({ list: true, switch: true }, ['projection', 'switch'], 'does not go with --list')).toThrow(new UsageError('--switch does not go with --list'));
    expect(() => refuseGiven({ list: true, keep: false }, ['keep'], 'x')).toThrow(UsageError);
    expect(() => refuseGiven({ list: true }, ['projection', 'switch'], 'x')).not.toThrow();
  });
});

describe('wholeNumberFlag', () => {
  it.each(['1e3', '0x100', '1.0', '+5', ' 5', '5 ', '', '-1', '99', '100001', '1'.repeat(16), 'NaN', 'Infinity'])('refuses %j for a flag in 100..100000, naming the flag and the value', (value) => {
    expect(() => wholeNumberFlag('--batch', value, 100, 100_000, 'rows')).toThrow(new UsageError(`--batch must be a whole number of rows in 100..100000, in decimal digits; got "${value}"`));
  });

  it('takes decimal digits in range, and nothing when the flag is not given', () => {
    expect(wholeNumberFlag('--batch', '100', 100, 100_000)).toBe(100);
    expect(wholeNumberFlag('--batch', '0100000', 100, 100_000)).toBe(100_000);
    expect(wholeNumberFlag('--keep', '0', 0, 1000)).toBe(0);
    expect(wholeNumberFlag('--batch', undefined, 100, 100_000)).toBeUndefined();
  });
});

describe('errorText', () => {
  it("is the error's message, else its code, else the value thrown: never \"undefined\"", () => {
    expect(errorText(new Error('connection refused'))).toBe('connection refused');
    expect(errorText({ code: 'ENOTDIR' })).toBe('ENOTDIR');
    expect(errorText('kapot')).toBe('kapot');
    expect(errorText(undefined)).toBe('undefined'); // the value itself: nothing better to say
  });
});

describe('embeddedDatabaseProblem', () => {
  it('names a missing embedded database and a file where its folder should be, before anything opens (and creates) it', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'sr-pgdata-'));
    try {
      expect(embeddedDatabaseProblem(folder)).toMatch(/^no embedded database in .*pgdata/);
      await writeFile(path.join(folder, 'pgdata'), 'not a folder');
      expect(embeddedDatabaseProblem(folder)).toMatch(/pgdata is not a folder: SIGNAALROUTE_DATA_DIR must name the data folder/);
      await rm(path.join(folder, 'pgdata'));
      await mkdir(path.join(folder, 'pgdata'));
      expect(embeddedDatabaseProblem(folder)).toBeNull();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('envSetting', () => {
  it('is undefined when unset, trimmed when set, and refused when set but blank, naming the variable', () => {
    expect(envSetting({}, 'DATABASE_URL')).toBeUndefined();
    expect(envSetting({ DATABASE_URL: ' postgres://x/y ' }, 'DATABASE_URL')).toBe('postgres://x/y');
    for (const blank of ['', ' ', '\t']) expect(() => envSetting({ DATABASE_URL: blank }, 'DATABASE_URL')).toThrow(/DATABASE_URL is set but blank/);
  });
});

describe('dataDirFrom', () => {
  it.each(['', ' ', '\t\n'])('refuses a set but blank SIGNAALROUTE_DATA_DIR (%j), as the app does', (value) => {
    expect(() => dataDirFrom({ SIGNAALROUTE_DATA_DIR: value })).toThrow(/SIGNAALROUTE_DATA_DIR is blank/);
  });

  it('is the default when unset, and trimmed when set', () => {
    expect(dataDirFrom({})).toBe('./.signaalroute');
    expect(dataDirFrom({ SIGNAALROUTE_DATA_DIR: ' /srv/data\t' })).toBe('/srv/data');
  });
});
