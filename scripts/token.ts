/**
 * Mints a bearer token the running embedded instance accepts (same data folder: SIGNAALROUTE_DATA_DIR,
 * default ./.signaalroute, refused when set but blank; issuer/audience from JWT_ISSUER / JWT_AUDIENCE like the server).
 *
 *   node dist/scripts/token.js --role coordinator --municipality GM0363[,GM0599] \
 *     [--table <id>[,<id>]] [--subject <id>] [--ttl <seconds>]
 *
 * Prints only the token on stdout. Exit codes: 0 ok, 2 invalid arguments or configuration (every claim is checked
 * as the verifier checks it, and refused where it would mean nothing — a flag given twice, an empty or repeated list
 * entry, --table for a role other than table-member, --municipality for an auditor, a police liaison's municipality
 * the `politie` table does not serve (TABLES_CONFIG_FILE, else the built-in tables: `token-police-region.ts`), a table
 * member's token without --table or naming a table that configuration does not have (`token-known-tables.ts`) — before
 * the signing key is read or created: a refused request leaves the data folder as it was), 1 other failures.
 */
import { ROLES } from '#contracts';
import type { Role } from '#contracts';
import {
  CROSS_MUNICIPALITY_ROLES,
  MAX_TOKEN_TTL_SECONDS,
  SecurityConfigError,
  SigningKeys,
  TOKEN_ROLES,
  isMunicipalityCode,
  isTokenRole,
  issueToken,
  principalFromClaims,
  securityOptionsFromEnv,
} from '#security';
import type { ClaimProblem, TokenRequest, TokenRole } from '#security';
import { dataDirFrom, parseFlags, UsageError, wholeNumberFlag } from './cli.js';
import { assertKnownTables } from './token-known-tables.js';
import { assertInsidePoliceRegion } from './token-police-region.js';

/** The one role whose tokens carry tables: the API checks `tables` only for table members (the tables they sit on). */
const TABLE_ROLE: TokenRole = 'table-member';

/**
 * Roles whose tokens take no municipalities: an auditor reads across all municipalities (`municipalityScope` is
 * 'all'), and no route an auditor may call checks their municipalities, so a listed one would restrict nothing.
 */
const ROLES_WITHOUT_MUNICIPALITIES: readonly TokenRole[] = ['auditor'];

const USAGE = `Usage: npm run token -- --role <role> --municipality <GMxxxx[,GMyyyy]> [--table <id>[,<id>]] [--subject <id>] [--ttl <seconds>]
  roles: ${TOKEN_ROLES.join(', ')}
  --municipality is optional only for ${CROSS_MUNICIPALITY_ROLES.join(' and ')}; an auditor's token takes none (auditors read every municipality).
  --table is required for ${TABLE_ROLE}, and only for it: tables of the instance's tables configuration (TABLES_CONFIG_FILE, else the built-in tables).
  Each flag once; list several values comma-separated, each once.
  A police-liaison's municipalities must be served by the politie table (TABLES_CONFIG_FILE, else the built-in tables).`;

function parseRequest(argv: string[]): TokenRequest | 'help' {
  const { values } = parseFlags(argv, {
    options: {
      role: { type: 'string' },
      municipality: { type: 'string' },
      table: { type: 'string' },
      subject: { type: 'string' },
      ttl: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';

  const role = values.role;
  if (role === undefined) throw new UsageError('--role is required');
  if (!isTokenRole(role)) {
    const hint = (ROLES as readonly string[]).includes(role) ? ' (cannot be put in a token)' : '';
    throw new UsageError(`unknown role "${role}"${hint}; expected one of: ${TOKEN_ROLES.join(', ')}`);
  }

  const municipalities = listFlag('--municipality', values.municipality);
  if (municipalities !== undefined && ROLES_WITHOUT_MUNICIPALITIES.includes(role)) {
    throw new UsageError(`--municipality does not apply to role ${role}: it reads every municipality, a list would restrict nothing`);
  }
  if (municipalities === undefined && !CROSS_MUNICIPALITY_ROLES.includes(role)) {
    throw new UsageError(`--municipality is required for role ${role}`);
  }
  for (const code of municipalities ?? []) {
    if (!isMunicipalityCode(code)) throw new UsageError(`invalid municipality code "${code}"; expected a CBS code like GM0363`);
  }

  const tables = listFlag('--table', values.table);
  if (tables !== undefined && role !== TABLE_ROLE) throw new UsageError(`--table applies only to role ${TABLE_ROLE}: a ${role} token's tables would be ignored`);

  const ttlSeconds = wholeNumberFlag('--ttl', values.ttl, 1, MAX_TOKEN_TTL_SECONDS, 'seconds');

  if (values.subject !== undefined && values.subject.trim() === '') throw new UsageError('--subject must not be empty');

  const request: TokenRequest = {
    role: role as Role,
    ...(municipalities ? { municipalities } : {}),
    ...(tables ? { tables } : {}),
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

/**
 * A comma-separated flag's entries (trimmed), or undefined when the flag is not given. An empty entry (`GM0153,,`,
 * or an empty value from an unset shell variable) or one given twice is refused: it is a typing mistake the token
 * would otherwise hide.
 */
function listFlag(flag: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((item) => item.trim());
  if (items.includes('')) throw new UsageError(`${flag} has an empty entry ("${value}"): give the values comma-separated, without empty ones`);
  const repeated = items.find((item, index) => items.indexOf(item) !== index);
  if (repeated !== undefined) throw new UsageError(`${flag} names "${repeated}" twice: give each once`);
  return items;
}

async function main(): Promise<number> {
  let request: TokenRequest | 'help';
  let dataDir: string;
  try {
    request = parseRequest(process.argv.slice(2));
    if (request === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    await assertInsidePoliceRegion(request, process.env);
    await assertKnownTables(request, process.env);
    // Checked here, not left to securityOptionsFromEnv, which may take a blank folder for the default.
    dataDir = dataDirFrom(process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`token: ${error.message}\n${USAGE}\n`);
    return 2;
  }

  let options;
  try {
    options = securityOptionsFromEnv();
  } catch (error) {
    // The server refuses the same configuration at start-up: a usage error here too, before any key is touched.
    if (!(error instanceof SecurityConfigError)) throw error;
    process.stderr.write(`token: ${error.message}\n`);
    return 2;
  }
  if (options.mode !== 'embedded') {
    process.stderr.write('token: the instance is configured for production keys (JWT_PUBLIC_KEYS_FILE / JWT_PUBLIC_KEY_PEM); this tool only mints tokens for the embedded key\n');
    return 1;
  }
  const key = await SigningKeys.loadOrCreate(dataDir);
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
