/** The port range a PostgreSQL server can listen on. */
const MAX_PORT = 65535;

/**
 * What is wrong with a DATABASE_URL, or null when the database driver can read it: a `postgres://` or
 * `postgresql://` URL that parses, with a port from 1 to 65535 when it names one. Checked at start-up because the
 * driver's own refusal ("Invalid URL") names no variable and comes only once the database is opened. The message
 * never repeats the value: it may hold a password.
 */
export function databaseUrlProblem(value: string): string | null {
  if (!/^postgres(ql)?:\/\//.test(value)) return 'DATABASE_URL must be a postgres:// or postgresql:// URL';
  const url = parsedLikeTheDriver(value);
  if (url === null) return 'DATABASE_URL is not a valid URL (check the host, the port and that special characters in the password are %-encoded)';
  if (url.port !== '' && (Number(url.port) < 1 || Number(url.port) > MAX_PORT)) return `DATABASE_URL must name a port from 1 to ${MAX_PORT}`;
  return null;
}

/**
 * The URL as node-postgres parses it: like `new URL`, but an empty host before the path
 * (`postgres://user@/db?host=/run/postgresql`, a Unix socket) is allowed.
 */
function parsedLikeTheDriver(value: string): URL | null {
  for (const candidate of [value, value.replace('@/', '@socket/')]) {
    try {
      return new URL(candidate);
    } catch {
      // try the next reading
    }
  }
  return null;
}
