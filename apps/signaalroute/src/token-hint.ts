import type { SecurityOptions } from '#security';

/** The data folder `npm start` and `npm run token` use when `SIGNAALROUTE_DATA_DIR` is not set. */
const DEFAULT_DATA_DIR = './.signaalroute';

/**
 * How to get a token, as `npm start` prints it. `npm run token` mints only with the embedded key pair of a data folder,
 * so it is named only in embedded mode: with production keys the CLI refused, and run without them it made a key pair
 * of its own whose tokens the running app refused (401). There the identity provider mints them, and the hint names the
 * issuer and audience they must carry. In embedded mode the command names the data folder when it is not the default:
 * run as printed without it, the CLI made a key pair of its own in `./.signaalroute` and the API answered 401
 * `AUTH.TOKEN_INVALID`. The folder is quoted for a POSIX shell.
 */
export function tokenHint(security: Pick<SecurityOptions, 'mode' | 'dataDir' | 'issuer' | 'audience'>): string {
  if (security.mode !== 'embedded') {
    return `from your identity provider, with issuer ${JSON.stringify(security.issuer)} and audience ${JSON.stringify(security.audience)}`;
  }
  const command = 'npm run token -- --role coordinator --municipality GM0153';
  return security.dataDir === DEFAULT_DATA_DIR ? command : `SIGNAALROUTE_DATA_DIR=${shellQuoted(security.dataDir)} ${command}`;
}

/** `value` as one word of a POSIX shell: as it is when it holds only safe characters, else in single quotes. */
function shellQuoted(value: string): string {
  return /^[\w./:@%+,=-]+$/u.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
