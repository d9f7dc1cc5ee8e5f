import { describe, expect, it } from '@jest/globals';
import { loadConfig, startProcess } from '#platform';
import { configProblems } from './config-problems.js';

const MESSAGE =
  'DATABASE_POOL_SIZE: DATABASE_POOL_SIZE must be a whole number from 2 to 500: migrations hold one connection for their lock while they run on another';

/**
 * Start-up migrates the database while it holds a PostgreSQL advisory lock on one pool connection, and the
 * migrations run on a second one. With a pool of 1 the second never comes: the process waited out
 * DATABASE_CONNECT_TIMEOUT_MS and stopped with "timeout exceeded when trying to connect", naming no variable.
 */
describe('DATABASE_POOL_SIZE must leave a connection for the migrations next to their lock', () => {
  it('takes 20 unless told otherwise, and any whole number from 2 to 500', () => {
    expect(loadConfig({}).DATABASE_POOL_SIZE).toBe(20);
    for (const size of ['2', ' 3 ', '500']) expect(loadConfig({ DATABASE_POOL_SIZE: size }).DATABASE_POOL_SIZE).toBe(Number(size));
  });

  it.each([
    ['one connection', '1'],
    ['none', '0'],
    ['a negative number', '-2'],
    ['more than 500', '501'],
    ['a fraction', '2.5'],
    ['text', 'twenty'],
  ])('refuses %s (%j), naming the variable once and why', (_what, size) => {
    expect(configProblems({ DATABASE_POOL_SIZE: size })).toEqual([MESSAGE]);
  });

  it('stops the start-up before anything is opened', async () => {
    await expect(startProcess([], { env: { DATABASE_POOL_SIZE: '1' }, listen: false })).rejects.toThrow(MESSAGE);
  });
});
