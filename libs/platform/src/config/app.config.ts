import { isIP } from 'node:net';
import { plainToInstance, Transform } from 'class-transformer';
import { getMetadataStorage, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, Validate, validateSync, ValidatorConstraint, type ValidationArguments, type ValidatorConstraintInterface } from 'class-validator';
import { MasterKeyConfigError, masterKeysFromConfig } from '#security';
import { blankVariableProblems } from './blank-variables.js';
import { databaseUrlProblem } from './database-url.js';

/** HOST must be something the HTTP server can bind to (see `isListenHost`). */
@ValidatorConstraint({ name: 'listenHost' })
class ListenHost implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return isListenHost(value);
  }

  defaultMessage(): string {
    return 'HOST must be an IP address or a host name, without port or scheme (e.g. 0.0.0.0, ::, localhost)';
  }
}

/** DATABASE_URL must be a URL the database driver can read (see `databaseUrlProblem`). */
@ValidatorConstraint({ name: 'databaseUrl' })
class DatabaseUrl implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && databaseUrlProblem(value) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return typeof args.value === 'string' ? (databaseUrlProblem(args.value) ?? '') : 'DATABASE_URL must be a postgres:// or postgresql:// URL';
  }
}

/** The previous master keys are checked with the current one, by the same rules the key provider applies. */
@ValidatorConstraint({ name: 'previousMasterKeys' })
class PreviousMasterKeys implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return previousMasterKeysProblem(value, args) === null;
  }

  defaultMessage(args: ValidationArguments): string {
    return previousMasterKeysProblem(args.value, args) ?? '';
  }
}

function previousMasterKeysProblem(value: unknown, args: ValidationArguments): string | null {
  const current = (args.object as AppConfig).SIGNAALROUTE_MASTER_KEY;
  if (typeof value !== 'string') return 'SIGNAALROUTE_PREVIOUS_MASTER_KEYS must be comma-separated 64-hex keys';
  if (!current) return 'SIGNAALROUTE_PREVIOUS_MASTER_KEYS needs SIGNAALROUTE_MASTER_KEY (the key that replaces them)';
  try {
    masterKeysFromConfig(current, value);
    return null;
  } catch (error) {
    if (error instanceof MasterKeyConfigError) return error.message;
    throw error;
  }
}

/** One DNS label: letters, digits, `-` and `_` (as container names use), 1–63 characters, no `-` at either end. */
const HOST_NAME_LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

/**
 * HOST is what the HTTP server binds to: an IPv4 or IPv6 address (without brackets or port) or a host name of
 * at most 253 characters in dot-separated labels, not all digits (`300.1.1.1` is no address and no name).
 * `0.0.0.0:3000` or `http://0.0.0.0` would otherwise pass start-up, run the migrations and start the consumers,
 * and only then fail to bind with an error naming no variable.
 */
function isListenHost(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (isIP(value) !== 0) return true;
  return value.length <= 253 && !/^[\d.]+$/.test(value) && value.split('.').every((label) => HOST_NAME_LABEL.test(label));
}

/** A comma-separated list (a blank value never gets here: `loadConfig` refuses it first). */
const list = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value);
/** A whole decimal number; anything else (`1e3`, `0x10`) is left as is, so validation names the variable. */
const int = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value);
/** `true`/`1` and `false`/`0` only; anything else is left as is, so validation names the variable. */
const bool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  return v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : value;
};

/** One message for every way a retention of request keys can be wrong (not a whole number, or out of range). */
const IDEMPOTENCY_KEY_RETENTION_HOURS = { message: 'IDEMPOTENCY_KEY_RETENTION_HOURS must be a whole number of hours from 1 to 8760 (a year)' };

/** One message for every way a pool size can be wrong, with why 1 is not enough. */
const DATABASE_POOL_SIZE = { message: 'DATABASE_POOL_SIZE must be a whole number from 2 to 500: migrations hold one connection for their lock while they run on another' };

/**
 * Process configuration, read from the environment and validated at start-up: a bad value stops the
 * process with a message naming the variable, instead of surfacing later as a strange failure.
 */
export class AppConfig {
  /** HTTP port. */
  @IsOptional() @Transform(int) @IsInt() @Min(0) @Max(65535)
  PORT: number = 3000;

  /** Address the HTTP server listens on: an IP address or a host name (`isListenHost`), no port, no scheme. */
  @IsOptional() @IsString() @Validate(ListenHost)
  HOST: string = '127.0.0.1';

  /** PostgreSQL URL; without it the embedded PGlite database in SIGNAALROUTE_DATA_DIR is used. */
  @IsOptional() @Validate(DatabaseUrl)
  DATABASE_URL?: string;

  /** Comma-separated host:port list; without it the in-process transport is used. */
  @IsOptional() @Transform(list) @Matches(/^[A-Za-z0-9.\-_]+:\d{1,5}$/, { each: true, message: 'KAFKA_BROKERS must be host:port[,host:port]' })
  KAFKA_BROKERS?: string[];

  /** Trimmed, as the token CLI reads it (`securityOptionsFromEnv`): both must find the same keys. */
  @IsOptional() @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @MinLength(1)
  SIGNAALROUTE_DATA_DIR: string = './.signaalroute';

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /**
   * Processes serving the app(s) on this host (node:cluster; they share PORT), so every core serves. Above 1
   * needs DATABASE_URL and KAFKA_BROKERS. Default 1.
   */
  @IsOptional() @Transform(int) @IsInt() @Min(1) @Max(64)
  WORKERS: number = 1;

  /** Partitions of topics this process creates. */
  @IsOptional() @Transform(int) @IsInt() @Min(1) @Max(1000)
  TOPIC_PARTITIONS: number = 6;

  /**
   * Partition batches of one fetch each Kafka consumer of this process works on at once (kafkajs
   * `partitionsConsumedConcurrently`). Order within a partition is kept; the next fetch waits for all of them.
   */
  @IsOptional() @Transform(int) @IsInt() @Min(1) @Max(64)
  KAFKA_CONSUMER_CONCURRENCY: number = 6;

  /**
   * How often the batch consumers commit the offsets they handled (and on stop); 0 commits after every batch. A
   * crash redelivers at most this long's messages, which the inbox makes no-ops.
   */
  @IsOptional() @Transform(int) @IsInt() @Min(0) @Max(60_000)
  KAFKA_COMMIT_INTERVAL_MS: number = 1000;

  /** Publication attempts before an outbox message is dead-lettered. */
  @IsOptional() @Transform(int) @IsInt() @Min(1) @Max(1000)
  OUTBOX_MAX_ATTEMPTS: number = 10;

  /**
   * Deliveries of a consumed message whose handling keeps failing (not for a transient reason such as the
   * database away) before it goes to the dead letters and its partition moves on.
   */
  @IsOptional() @Transform(int) @IsInt() @Min(1) @Max(1000)
  CONSUMER_MAX_ATTEMPTS: number = 10;

  /**
   * Hours a caller's `Idempotency-Key` is honoured: within them a request sent again with the key changes nothing,
   * after them it is a new request, and the key's row is pruned. At most a year: a retry window, not a register.
   */
  @IsOptional() @Transform(int) @IsInt(IDEMPOTENCY_KEY_RETENTION_HOURS) @Min(1, IDEMPOTENCY_KEY_RETENTION_HOURS) @Max(8760, IDEMPOTENCY_KEY_RETENTION_HOURS)
  IDEMPOTENCY_KEY_RETENTION_HOURS: number = 720;

  @IsOptional() @Transform(int) @IsInt() @Min(1) @Max(60_000)
  OUTBOX_POLL_INTERVAL_MS: number = 50;

  /**
   * Run the outbox relay in this process (default true). Set false where a dedicated process relays for
   * the database; appends here then stay in the outbox until that relay publishes them.
   */
  @IsOptional() @Transform(bool) @IsBoolean({ message: 'OUTBOX_RELAY_ENABLED must be true or false' })
  OUTBOX_RELAY_ENABLED: boolean = true;

  /**
   * Days a consumer remembers a message it processed (its inbox row), to recognise a redelivery; older rows are
   * pruned hourly. Start-up refuses a value shorter than the consumed topics keep their messages (plus a day).
   * 0 keeps inbox rows forever.
   */
  @IsOptional() @Transform(int) @IsInt() @Min(0) @Max(36_500)
  INBOX_RETENTION_DAYS: number = 30;

  /**
   * Connections in the PostgreSQL pool. At least 2: start-up migrations hold one for their advisory lock while they run
   * on another, so with 1 the process waited out DATABASE_CONNECT_TIMEOUT_MS and stopped naming no variable.
   */
  @IsOptional() @Transform(int) @IsInt(DATABASE_POOL_SIZE) @Min(2, DATABASE_POOL_SIZE) @Max(500, DATABASE_POOL_SIZE)
  DATABASE_POOL_SIZE: number = 20;

  /** How long opening a database connection may take before the request that needed it is answered 503. */
  @IsOptional() @Transform(int) @IsInt() @Min(100) @Max(600_000)
  DATABASE_CONNECT_TIMEOUT_MS: number = 5000;

  /**
   * Requests that may wait in one queue in front of the database (the intake's and the router's group
   * commits, the router's case reads); more are refused at once with 503 SERVICE.OVERLOADED, nothing stored.
   */
  @IsOptional() @Transform(int) @IsInt() @Min(1) @Max(1_000_000)
  DATABASE_QUEUE_MAX_LENGTH: number = 5000;

  /** When the oldest request in such a queue has waited longer than this, new ones are refused the same way. */
  @IsOptional() @Transform(int) @IsInt() @Min(10) @Max(600_000)
  DATABASE_QUEUE_MAX_WAIT_MS: number = 2000;

  /** A JSON file with the tables configuration (same shape as the built-in one); the built-in one when unset. A blank value is refused. */
  @IsOptional() @IsString()
  TABLES_CONFIG_FILE?: string;

  /** How often the tables app looks for due reminders, overdue referrals and escalation tiers. */
  @IsOptional() @Transform(int) @IsInt() @Min(10) @Max(3_600_000)
  TABLES_POLL_INTERVAL_MS: number = 5000;

  /** How often the router's deadline scheduler looks for due deadlines (durable timers in `case_view`). */
  @IsOptional() @Transform(int) @IsInt() @Min(10) @Max(3_600_000)
  DEADLINE_POLL_INTERVAL_MS: number = 5000;

  /** A JSON file with the retention rules (same shape as the built-in ones, see the README); the built-in rules when unset. A blank value is refused. */
  @IsOptional() @IsString()
  RETENTION_RULES_FILE?: string;

  /** How often the router checks whether today's retention run is still to be done (it runs once per Dutch calendar day). */
  @IsOptional() @Transform(int) @IsInt() @Min(10) @Max(86_400_000)
  RETENTION_POLL_INTERVAL_MS: number = 60_000;

  /** Events per ledger checkpoint (the checkpoint chain seals the event log in ranges of this size). */
  @IsOptional() @Transform(int) @IsInt() @Min(1) @Max(1_000_000)
  LEDGER_CHECKPOINT_EVERY: number = 1000;

  /** A partial checkpoint seals the newest events once the oldest of them has waited this long. */
  @IsOptional() @Transform(int) @IsInt() @Min(100) @Max(86_400_000)
  LEDGER_CHECKPOINT_MAX_DELAY_MS: number = 5000;

  /**
   * Key (hex, at least 32 bytes) that pseudonymises data-subject ids in the processing log. Every process of
   * a deployment must share it; without it the embedded default keeps one in SIGNAALROUTE_DATA_DIR/keys.
   */
  @IsOptional() @Matches(/^(?:[0-9a-fA-F]{2}){32,}$/, { message: 'PROCESSING_LOG_KEY must be at least 32 bytes as hex' })
  PROCESSING_LOG_KEY?: string;

  /**
   * Namespace for this deployment's Kafka topics (e.g. `acc.`): the broker sees `<prefix>signaalroute.…`.
   * Lets several deployments, or parallel test runs, share one cluster.
   */
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9.\-_]{0,60}$/, { message: 'KAFKA_TOPIC_PREFIX must be lowercase letters, digits, ".", "-" or "_"' })
  KAFKA_TOPIC_PREFIX?: string;

  /** 256-bit key (64 hex) sealing personal fields at rest; the same on every process. Embedded: a key file in the data folder. */
  @IsOptional() @Matches(/^[0-9a-fA-F]{64}$/, { message: 'SIGNAALROUTE_MASTER_KEY must be 64 hexadecimal characters (256 bits)' })
  SIGNAALROUTE_MASTER_KEY?: string;

  /**
   * Master keys being retired (comma-separated, 64 hex each): they still unwrap the data keys not yet re-wrapped
   * by `npm run keys -- rotate`; never the current key, each once, only next to SIGNAALROUTE_MASTER_KEY.
   */
  @IsOptional() @Validate(PreviousMasterKeys)
  SIGNAALROUTE_PREVIOUS_MASTER_KEYS?: string;

  /**
   * Bearer token Prometheus sends to `GET /metrics` (at least 32 characters); without it the endpoint is open
   * like `/health` (it holds counts and durations only, no municipality, person, case or signal).
   */
  @IsOptional() @Matches(/^[A-Za-z0-9._~+\/=-]{32,256}$/, { message: 'METRICS_TOKEN must be 32 to 256 characters of A-Z, a-z, 0-9 and ._~+/=-' })
  METRICS_TOKEN?: string;

  /** Kafka client id prefix and consumer-group prefix. */
  @IsOptional() @Matches(/^[a-z0-9.\-]+$/, { message: 'KAFKA_CLIENT_ID must be lower-case letters, digits, dots and hyphens' })
  KAFKA_CLIENT_ID: string = 'signaalroute';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the configuration; throws ConfigError naming every bad variable. A variable that is set but
 * blank is one of them (`blankVariableProblems`): unset means the default, blank means a mistake.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  // Every decorated property is a variable, including optional ones without a default.
  const known = new Set(getMetadataStorage().getTargetValidationMetadatas(AppConfig, '', true, false).map((m) => m.propertyName));
  const blank = blankVariableProblems(env, known);
  const raw: Record<string, unknown> = {};
  for (const key of known) if (env[key] !== undefined && env[key].trim() !== '') raw[key] = env[key];
  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (blank.length > 0 || errors.length > 0) {
    // A variable whose constraints share one message names it once.
    throw new ConfigError([...blank, ...errors.map((e) => `${e.property}: ${[...new Set(Object.values(e.constraints ?? {}))].join('; ')}`)]);
  }
  const problems: string[] = [];
  if (config.WORKERS > 1 && (!config.DATABASE_URL || !config.KAFKA_BROKERS)) {
    problems.push(`WORKERS: ${config.WORKERS} workers need DATABASE_URL and KAFKA_BROKERS (the embedded database and the in-process transport belong to one process)`);
  }
  if (!config.OUTBOX_RELAY_ENABLED && !config.DATABASE_URL) {
    problems.push('OUTBOX_RELAY_ENABLED: false needs DATABASE_URL (on the embedded database this process is the only relay; without it no event would ever be published)');
  }
  for (const broker of config.KAFKA_BROKERS ?? []) {
    const port = Number(broker.slice(broker.lastIndexOf(':') + 1));
    if (port < 1 || port > 65535) problems.push(`KAFKA_BROKERS: "${broker}" has no valid port (1–65535)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
