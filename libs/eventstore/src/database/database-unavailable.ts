/** Socket errors of a connection to the database that could not be made or was lost. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATEs of a server that cannot take work now: class 08 (connection exception), 53300 (too many
 * connections), 57P01–57P03 (administrator or crash shutdown, cannot connect now).
 */
const SQLSTATE = /^(08...|53300|57P0[123])$/;

/** What `pg` says when a connection ends or cannot be had in time (these errors carry no code). */
const PG_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended)/;

/**
 * True when a query failed because the database could not be reached or is not taking connections — a
 * condition of the service, not of the request, so the caller is told to try again (HTTP 503) rather than
 * that something went wrong with what it sent. Looks through TypeORM's `QueryFailedError` (`driverError`).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const e of [error, (error as { driverError?: unknown } | undefined)?.driverError]) {
    if (typeof e !== 'object' || e === null) continue;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (SOCKET_CODES.has(code) || SQLSTATE.test(code))) return true;
    if (typeof message === 'string' && PG_MESSAGES.test(message)) return true;
  }
  return false;
}
