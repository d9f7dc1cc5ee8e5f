/** The data folder `npm start` and `npm run token` use when `SIGNAALROUTE_DATA_DIR` is not set. */
const DEFAULT_DATA_DIR = './.signaalroute';

/**
 * The command `npm start` prints for getting a token. `npm run token` mints with the key pair of its own data folder,
 * so when the app runs on another one the command names it: run as printed without it, the CLI made a key pair of
 * its own in `./.signaalroute` and the API answered 401 `AUTH.TOKEN_INVALID`. The folder is quoted for a POSIX shell.
 */
export function tokenHint(dataDir: string): string {
  const command = 'npm run token -- --role coordinator --municipality GM0153';
  return dataDir === DEFAULT_DATA_DIR ? command : `SIGNAALROUTE_DATA_DIR=${shellQuoted(dataDir)} ${command}`;
}

/** `value` as one word of a POSIX shell: as it is when it holds only safe characters, else in single quotes. */
function shellQuoted(value: string): string {
  return /^[\w./:@%+,=-]+$/u.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
