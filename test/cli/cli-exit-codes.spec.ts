import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { CannotRunError, runCli, UsageError } from '../../scripts/cli.js';

/** The exit codes every CLI of the project (`npm run audit`, `npm run keys`) answers with. */
describe('a CLI command', () => {
  let written: string[];
  beforeEach(() => {
    written = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
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
  };
  const run = (...argv: string[]) => runCli('tool', 'Usage: tool <command>', commands, argv);

  it('returns what the command returns: 0 done, 1 the check found something', async () => {
    expect(await run('fine')).toBe(0);
    expect(await run('fine', 'x')).toBe(1);
    expect(await run('found')).toBe(1);
  });

  it('answers bad usage, an unknown command or no command with 2 and the usage text', async () => {
    expect(await run('misused')).toBe(2);
    expect(written.join('')).toContain('--batch must be an integer\nUsage: tool <command>');
    expect(await run('nope')).toBe(2);
    expect(written.join('')).toContain('unknown command "nope"');
    expect(await run('toString')).toBe(2);
    expect(await run()).toBe(2);
    expect(await run('--help')).toBe(0);
  });

  it('answers 3 when it cannot run, naming why', async () => {
    expect(await run('unreachable')).toBe(3);
    expect(written.join('')).toContain('cannot reach the database');
    expect(await run('broken')).toBe(3);
    expect(written.join('')).toContain('tool failed: boom');
  });
});
