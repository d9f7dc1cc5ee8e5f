import { ConfigError, loadConfig } from '#platform';

describe('configuration is validated at start-up', () => {
  it('uses the defaults when nothing is set (the embedded default)', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', SIGNAALROUTE_DATA_DIR: './.signaalroute', OUTBOX_RELAY_ENABLED: true, KAFKA_CONSUMER_CONCURRENCY: 6, KAFKA_COMMIT_INTERVAL_MS: 1000 });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.KAFKA_BROKERS).toBeUndefined();
  });

  it('reads optional variables that have no default', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h:5432/db', KAFKA_BROKERS: 'a:9092, b:9093', TABLES_CONFIG_FILE: '/etc/t.json' });
    expect(c.DATABASE_URL).toBe('postgres://u@h:5432/db');
    expect(c.KAFKA_BROKERS).toEqual(['a:9092', 'b:9093']);
    expect(c.TABLES_CONFIG_FILE).toBe('/etc/t.json');
  });

  it('refuses bad values, naming every bad variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', KAFKA_BROKERS: 'no-port', OUTBOX_RELAY_ENABLED: 'maybe', KAFKA_CONSUMER_CONCURRENCY: '0', KAFKA_COMMIT_INTERVAL_MS: '-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(names.sort()).toEqual(['DATABASE_URL', 'KAFKA_BROKERS', 'KAFKA_COMMIT_INTERVAL_MS', 'KAFKA_CONSUMER_CONCURRENCY', 'OUTBOX_RELAY_ENABLED', 'PORT']);
  });

  it.each([
    ['a blank port (it read as 0: a random port)', { PORT: ' ' }, 'PORT'],
    ['a port in another notation', { PORT: '0x50' }, 'PORT'],
    ['a broker port out of range', { KAFKA_BROKERS: 'kafka:99999' }, 'KAFKA_BROKERS'],
    ['a broker on port 0', { KAFKA_BROKERS: 'a:9092,b:0' }, 'KAFKA_BROKERS'],
    ['no relay on the embedded database (nothing would ever be published)', { OUTBOX_RELAY_ENABLED: 'false' }, 'OUTBOX_RELAY_ENABLED'],
  ])('refuses %s', (_what, env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual([variable]);
    }
  });

  it('trims the data folder as the token CLI does, so both find the same keys', () => {
    expect(loadConfig({ SIGNAALROUTE_DATA_DIR: ' /var/lib/signaalroute ' }).SIGNAALROUTE_DATA_DIR).toBe('/var/lib/signaalroute');
  });

  it('takes a process that never publishes when it shares a PostgreSQL database with one that does', () => {
    expect(loadConfig({ OUTBOX_RELAY_ENABLED: 'false', DATABASE_URL: 'postgres://u@h:5432/db' }).OUTBOX_RELAY_ENABLED).toBe(false);
  });

  it('keeps inbox rows 30 days unless told otherwise (0: forever), and refuses a negative or fractional number of days', () => {
    expect(loadConfig({}).INBOX_RETENTION_DAYS).toBe(30);
    expect(loadConfig({ INBOX_RETENTION_DAYS: '0' }).INBOX_RETENTION_DAYS).toBe(0);
    expect(loadConfig({ INBOX_RETENTION_DAYS: '90' }).INBOX_RETENTION_DAYS).toBe(90);
    for (const bad of ['-1', '1.5', 'a month', '36501']) {
      expect(() => loadConfig({ INBOX_RETENTION_DAYS: bad })).toThrow(/INBOX_RETENTION_DAYS/);
    }
  });

  it('bounds the queues in front of the database (5,000 waiting, 2 s) and the connection wait (5 s) unless told otherwise, and refuses nonsense', () => {
    expect(loadConfig({})).toMatchObject({ DATABASE_QUEUE_MAX_LENGTH: 5000, DATABASE_QUEUE_MAX_WAIT_MS: 2000, DATABASE_CONNECT_TIMEOUT_MS: 5000 });
    expect(loadConfig({ DATABASE_QUEUE_MAX_LENGTH: '200', DATABASE_QUEUE_MAX_WAIT_MS: '500', DATABASE_CONNECT_TIMEOUT_MS: '1500' })).toMatchObject({ DATABASE_QUEUE_MAX_LENGTH: 200, DATABASE_QUEUE_MAX_WAIT_MS: 500, DATABASE_CONNECT_TIMEOUT_MS: 1500 });
    for (const [name, bad] of [['DATABASE_QUEUE_MAX_LENGTH', '0'], ['DATABASE_QUEUE_MAX_LENGTH', 'many'], ['DATABASE_QUEUE_MAX_WAIT_MS', '5'], ['DATABASE_QUEUE_MAX_WAIT_MS', '1.5'], ['DATABASE_CONNECT_TIMEOUT_MS', '-1']] as const) {
      expect(() => loadConfig({ [name]: bad })).toThrow(new RegExp(name));
    }
  });

  it('takes a metrics token of 32 characters or more, and refuses a short or odd one', () => {
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(32) }).METRICS_TOKEN).toBe('a'.repeat(32));
    expect(loadConfig({}).METRICS_TOKEN).toBeUndefined();
    for (const bad of ['short', 'a'.repeat(31), `${'a'.repeat(32)} with spaces`, `${'a'.repeat(32)}\n`]) {
      expect(() => loadConfig({ METRICS_TOKEN: bad })).toThrow(/METRICS_TOKEN/);
    }
  });
});
