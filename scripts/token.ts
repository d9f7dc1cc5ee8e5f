/**
 * Mints a bearer token the running embedded instance accepts (same data folder: SIGNAALROUTE_DATA_DIR,
 * default ./.signaalroute; issuer/audience from JWT_ISSUER / JWT_AUDIENCE like the server).
 *
 *   node dist/scripts/token.js --role coordinator --municipality GM0363[,GM0599] \
 *     [--table <id>[,<id>]] [--subject <id>] [--ttl <seconds>]
 *
 * Prints only the token on stdout. Exit codes: 0 ok, 2 invalid arguments (every claim is checked as the verifier
 * checks it before the signing key is read or created: a refused request leaves the data folder as it was),
 * 1 other failures.
 */
import { parseArgs } from 'node:util';
import { ROLES } from '#contracts';
import type { Role } from '#contracts';
import {
  CROSS_MUNICIPALITY_ROLES,
  MAX_TOKEN_TTL_SECONDS,
  SigningKeys,
  TOKEN_ROLES,
  isMunicipalityCode,
  isTokenRole,
  issueToken,
  principalFromClaims,
  securityOptionsFromEnv,
} from '#security';
import type { ClaimProblem, TokenRequest } from '#security';

const USAGE = `Usage: npm run token -- --role <role> --municipality <GMxxxx[,GMyyyy]> [--table <id>[,<id>]] [--subject <id>] [--ttl <seconds>]
  roles: ${TOKEN_ROLES.join(', ')}
  --municipality is optional only for ${CROSS_MUNICIPALITY_ROLES.join(' and ')}.`;

class UsageError extends Error {}

function parseRequest(argv: string[]): TokenRequest | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        role: { type: 'string' },
        municipality: { type: 'string' },
        table: { type: 'string' },
        subject: { type: 'string' },
        ttl: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';

  const role = values.role;
  if (role === undefined) throw new UsageError('--role is required');
  if (!isTokenRole(role)) {
    const hint = (ROLES as readonly string[]).includes(role) ? ' (cannot be put in a token)' : '';
    throw new UsageError(`unknown role "${role}"${hint}; expected one of: ${TOKEN_ROLES.join(', ')}`);
  }

  const municipalities = splitList(values.municipality);
  if (municipalities === undefined && !CROSS_MUNICIPALITY_ROLES.includes(role)) {
    throw new UsageError(`--municipality is required for role ${role}`);
  }
  for (const code of municipalities ?? []) {
    if (!isMunicipalityCode(code)) throw new UsageError(`invalid municipality code "${code}"; expected a CBS code like GM0363`);
  }

  let ttlSeconds: number | undefined;
  if (values.ttl !== undefined) {
    ttlSeconds = /^\d+$/.test(values.ttl) ? Number(values.ttl) : NaN;
    if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TOKEN_TTL_SECONDS) {
      throw new UsageError(`--ttl must be a whole number of seconds between 1 and ${MAX_TOKEN_TTL_SECONDS}`);
    }
  }

  if (values.subject !== undefined && values.subject.trim() === '') throw new UsageError('--subject must not be empty');

  const request: TokenRequest = {
    role: role as Role,
    ...(municipalities ? { municipalities } : {}),
    ...(values.table !== undefined ? { tables: splitList(values.table) ?? [] } : {}),
    ...(values.subject !== undefined ? { subject: values.subject } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
  };
  assertVerifiable(request);
  return request;
}

const FLAG_OF: Record<ClaimProblem, string> = { sub: '--subject', role: '--role', municipalities: '--municipality', tables: '--table', jti: 'the token id' };

/**
 * Refuses, before the signing key is read or created, the claims the verifier would reject (`issueToken` checks
 * them too, but only once it has the key): refused input must leave the data folder as it was. The claims are
 * the ones `issueToken` signs; its `jti` is a random UUID, always valid.
 */
function assertVerifiable(request: TokenRequest): void {
  const checked = principalFromClaims({
    sub: request.subject ?? `local-${request.role}`,
    role: request.role,
    ...(request.municipalities !== undefined ? { municipalities: [...request.municipalities] } : {}),
    ...(request.tables !== undefined ? { tables: [...request.tables] } : {}),
  });
  if (!checked.ok) throw new UsageError(`${FLAG_OF[checked.problem]}: ${checked.message}`);
}

function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  return items.length > 0 ? items : undefined;
}

async function main(): Promise<number> {
  let request: TokenRequest | 'help';
  try {
    request = parseRequest(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`token: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  if (request === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  const options = securityOptionsFromEnv();
  if (options.mode !== 'embedded') {
    process.stderr.write('token: the instance is configured for production keys (JWT_PUBLIC_KEYS_FILE / JWT_PUBLIC_KEY_PEM); this tool only mints tokens for the embedded key\n');
    return 1;
  }
  const key = await SigningKeys.loadOrCreate(options.dataDir);
  try {
    const token = await issueToken({ ...request, issuer: options.issuer, audience: options.audience }, key);
    process.stdout.write(`${token}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    process.stderr.write(`token: ${error.message}\n`);
    return 2;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
