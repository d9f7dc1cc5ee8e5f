import { randomBytes } from 'node:crypto';
import { ConfigError, loadConfig } from '#platform';

const hex = () => randomBytes(32).toString('hex');

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  return [];
}

describe('SIGNAALROUTE_PREVIOUS_MASTER_KEYS is validated at start-up, with the current master key', () => {
  it('accepts previous keys next to a current key', () => {
    const env = { SIGNAALROUTE_MASTER_KEY: hex(), SIGNAALROUTE_PREVIOUS_MASTER_KEYS: `${hex()}, ${hex()}` };
    expect(loadConfig(env).SIGNAALROUTE_PREVIOUS_MASTER_KEYS).toBe(env.SIGNAALROUTE_PREVIOUS_MASTER_KEYS);
  });

  it('refuses a malformed entry, a key listed twice, the current key as previous, and previous keys without a current one', () => {
    const current = hex();
    const old = hex();
    expect(problems({ SIGNAALROUTE_MASTER_KEY: current, SIGNAALROUTE_PREVIOUS_MASTER_KEYS: `${old},abc` })).toEqual([
      'SIGNAALROUTE_PREVIOUS_MASTER_KEYS: SIGNAALROUTE_PREVIOUS_MASTER_KEYS entry 2 must be 64 hexadecimal characters (256 bits)',
    ]);
    expect(problems({ SIGNAALROUTE_MASTER_KEY: current, SIGNAALROUTE_PREVIOUS_MASTER_KEYS: `${old},${old}` })[0]).toMatch(/entry 2 is the same key \(mk-[0-9a-f]{16}\) as SIGNAALROUTE_PREVIOUS_MASTER_KEYS entry 1/);
    expect(problems({ SIGNAALROUTE_MASTER_KEY: current, SIGNAALROUTE_PREVIOUS_MASTER_KEYS: current })[0]).toMatch(/entry 1 is the same key \(mk-[0-9a-f]{16}\) as SIGNAALROUTE_MASTER_KEY/);
    expect(problems({ SIGNAALROUTE_PREVIOUS_MASTER_KEYS: old })).toEqual([
      'SIGNAALROUTE_PREVIOUS_MASTER_KEYS: SIGNAALROUTE_PREVIOUS_MASTER_KEYS needs SIGNAALROUTE_MASTER_KEY (the key that replaces them)',
    ]);
  });
});
