import { loadConfig, startProcess } from '#platform';
import { configProblems } from './config-problems.js';

const MESSAGE = 'IDEMPOTENCY_KEY_RETENTION_HOURS: IDEMPOTENCY_KEY_RETENTION_HOURS must be a whole number of hours from 1 to 8760 (a year)';


describe('IDEMPOTENCY_KEY_RETENTION_HOURS must be a whole number of hours from 1 to 8760', () => {
  it('honours keys 720 hours (30 days) unless told otherwise; unset is the default, set to nothing is refused', () => {
    expect(loadConfig({}).IDEMPOTENCY_KEY_RETENTION_HOURS).toBe(720);
    for (const blank of ['', '   ']) {
      expect(configProblems({ IDEMPOTENCY_KEY_RETENTION_HOURS: blank })).toEqual([expect.stringMatching(/^IDEMPOTENCY_KEY_RETENTION_HOURS: IDEMPOTENCY_KEY_RETENTION_HOURS is set but blank/)]);
    }
  });

  it.each(['1', '48', ' 24 ', '8760'])('takes %j', (hours) => {
    expect(loadConfig({ IDEMPOTENCY_KEY_RETENTION_HOURS: hours }).IDEMPOTENCY_KEY_RETENTION_HOURS).toBe(Number(hours));
  });

  it.each([
    ['no hours', '0'],
    ['a negative number', '-1'],
    ['a fraction', '1.5'],
    ['text', 'abc'],
    ['more than a year', '8761'],
    ['another notation', '1e3'],
  ])('refuses %s (%j), naming the variable once with what it takes', (_what, hours) => {
    expect(configProblems({ IDEMPOTENCY_KEY_RETENTION_HOURS: hours })).toEqual([MESSAGE]);
  });

  it('stops the start-up before anything is opened', async () => {
    await expect(startProcess([], { env: { IDEMPOTENCY_KEY_RETENTION_HOURS: '0' }, listen: false })).rejects.toThrow(MESSAGE);
  });
});
