import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '#platform';

/**
 * Bad input gets a clear error and changes nothing. A DATABASE_URL the database driver cannot read failed the start
 * with "could not start: Invalid URL" — no variable named, and only once the database was being opened. It is
 * checked with the rest of the configuration: a postgres:// or postgresql:// URL that parses, with a port from 1 to
 * 65535. The message never repeats the URL: it may hold a password.
 */

/** The problems a ConfigError reports for DATABASE_URL=`url` (empty when it is taken). */
function problems(url: string): string[] {
  try {
    loadConfig({ DATABASE_URL: url });
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
}

describe('DATABASE_URL', () => {
  it.each([
    ['a port above 65535', 'postgres://u:geheim@db:99999/x', /^DATABASE_URL: DATABASE_URL is not a valid URL/],
    ['port 0', 'postgres://u:geheim@db:0/x', /^DATABASE_URL: DATABASE_URL must name a port from 1 to 65535$/],
    ['a port that is no number', 'postgres://u:geheim@db:pg/x', /^DATABASE_URL: DATABASE_URL is not a valid URL/],
    ['an unencoded # in the password', 'postgres://u:ge#heim@db/x', /^DATABASE_URL: DATABASE_URL is not a valid URL/],
    ['a host with a space', 'postgres://u:geheim@d b/x', /^DATABASE_URL: DATABASE_URL is not a valid URL/],
    ['another scheme', 'mysql://u:geheim@db/x', /^DATABASE_URL: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL$/],
    ['no scheme', 'db:5432/x', /^DATABASE_URL: DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL$/],
  ])('refuses %s, naming the variable and not the password', (_what, url, message) => {
    const found = problems(url);
    expect(found).toEqual([expect.stringMatching(message)]);
    expect(found.join('\n')).not.toContain('geheim');
  });

  it.each([
    'postgres://u@db:5432/signaalroute',
    'postgresql://u:p%23ss@db/signaalroute',
    'postgres://u@[::1]:5432/signaalroute',
    'postgres://u@db/signaalroute?sslmode=require',
    'postgres://u@%2Fvar%2Frun%2Fpostgresql/signaalroute',
    'postgres://u@/signaalroute?host=/var/run/postgresql',
  ])('takes %s (as the driver reads it)', (url) => {
    expect(problems(url)).toEqual([]);
    expect(loadConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
  });
});
