import { ConfigError, loadConfig } from '#platform';

/** The variables a ConfigError names for `env` (empty when the configuration is taken). */
function refusedVariables(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => p.split(':')[0]!);
  }
}

describe('HOST must be an IP address or a host name', () => {
  it.each(['127.0.0.1', '0.0.0.0', '::', '::1', 'fe80::1', 'localhost', 'api.gemeente.example', 'node-1', 'signaalroute_api'])('takes %s', (host) => {
    expect(loadConfig({ HOST: host }).HOST).toBe(host);
  });

  it.each([
    ['an address with a port', '0.0.0.0:3000'],
    ['a URL', 'http://0.0.0.0'],
    ['a bracketed IPv6 address', '[::1]'],
    ['a blank value', '   '],
    ['a name with spaces around it', ' localhost '],
    ['a name with a path', 'localhost/api'],
    ['a label starting with a hyphen', '-node.example'],
    ['a label longer than 63 characters', `${'a'.repeat(64)}.example`],
    ['a name longer than 253 characters', Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')],
    ['an empty label', 'api..example'],
    ['an IPv4 address out of range', '300.1.1.1'],
    ['a trailing dot of an IPv4 address', '127.0.0.1.'],
  ])('refuses %s, naming HOST', (_what, host) => {
    expect(refusedVariables({ HOST: host })).toEqual(['HOST']);
  });
});

describe('TABLES_CONFIG_FILE and RETENTION_RULES_FILE', () => {
  it.each(['TABLES_CONFIG_FILE', 'RETENTION_RULES_FILE'])('%s: refuses a blank value (empty too) instead of using the built-in configuration', (variable) => {
    expect(refusedVariables({ [variable]: '' })).toEqual([variable]);
    expect(refusedVariables({ [variable]: '  ' })).toEqual([variable]);
    expect(refusedVariables({ [variable]: '\t' })).toEqual([variable]);
  });

  it.each(['TABLES_CONFIG_FILE', 'RETENTION_RULES_FILE'])('%s: unset uses the built-in configuration; a path is taken', (variable) => {
    expect(loadConfig({})[variable as 'TABLES_CONFIG_FILE']).toBeUndefined();
    expect(loadConfig({ [variable]: '/etc/signaalroute/x.json' })[variable as 'TABLES_CONFIG_FILE']).toBe('/etc/signaalroute/x.json');
  });
});
