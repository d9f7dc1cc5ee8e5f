import { describe, expect, it } from '@jest/globals';
import { SecurityConfigError, securityOptionsFromEnv } from '#security';

/**
 * Bad input gets a clear error and changes nothing — at the configuration edge too. A security variable that is set
 * but blank was read as unset: `JWT_PUBLIC_KEYS_FILE=` (a deployment template's placeholder) then meant "no keys
 * configured", so a PostgreSQL deployment started in embedded mode and trusted the data folder's key pair, whose
 * tokens `npm run token` mints for any role. Every variable `securityOptionsFromEnv` reads refuses a blank value,
 * naming itself; unset still means the default.
 */
const VARIABLES = ['SIGNAALROUTE_AUTH_MODE', 'SIGNAALROUTE_DATA_DIR', 'JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_PUBLIC_KEYS_FILE', 'JWT_PUBLIC_KEY_PEM'];

/** The SecurityConfigError message for `env` (fails the test when nothing, or something else, is thrown). */
function refusal(env: NodeJS.ProcessEnv): string {
  try {
    securityOptionsFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SecurityConfigError);
    return (error as Error).message;
  }
  throw new Error(`expected a SecurityConfigError for ${JSON.stringify(env)}, the options were taken`);
}

describe('a security variable set but blank', () => {
  it.each(VARIABLES.flatMap((variable) => ['', '   ', '\t\n'].map((blank) => [variable, blank] as const)))('%s=%j is refused, naming the variable', (variable, blank) => {
    expect(refusal({ [variable]: blank })).toBe(`${variable} is set but blank: unset it for the default, or give it a value`);
  });

  it('a blank key variable never starts embedded mode, next to a production URL or an explicit mode alike', () => {
    for (const keys of [{ JWT_PUBLIC_KEYS_FILE: '' }, { JWT_PUBLIC_KEY_PEM: ' ' }]) {
      expect(refusal(keys)).toMatch(/^JWT_PUBLIC_KEY/);
      expect(refusal({ ...keys, SIGNAALROUTE_AUTH_MODE: 'production' })).toMatch(/^JWT_PUBLIC_KEY/);
      expect(refusal({ ...keys, SIGNAALROUTE_AUTH_MODE: 'embedded' })).toMatch(/^JWT_PUBLIC_KEY/);
    }
  });

  it('unset means the default, and a value is trimmed as before', () => {
    expect(securityOptionsFromEnv({})).toEqual({ mode: 'embedded', dataDir: './.signaalroute', issuer: 'signaalroute', audience: 'signaalroute-api' });
    expect(securityOptionsFromEnv({ JWT_ISSUER: ' idp ', JWT_AUDIENCE: 'api', SIGNAALROUTE_DATA_DIR: ' /data ', JWT_PUBLIC_KEYS_FILE: ' /etc/jwks.json ' })).toEqual({
      mode: 'production',
      dataDir: '/data',
      issuer: 'idp',
      audience: 'api',
      publicKeysFile: '/etc/jwks.json',
    });
  });
});
