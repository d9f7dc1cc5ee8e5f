/**
 * How long (ms) a stream opened with a token may still run at `now`: until the token's expiry, none at or after it
 * (never negative). Past it the stream delivers nothing more: access lasts as long as the credential, not as long as
 * the connection.
 */
export function streamTimeLeftMs(now: Date, expiresAt: Date): number {
  return Math.max(0, expiresAt.getTime() - now.getTime());
}
