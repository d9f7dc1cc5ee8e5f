import { isIP } from 'node:net';

/**
 * The base URL to announce for a server bound to `host` (HOST) and `port` (the port it got): one a client can call.
 * A wildcard is no address to call, so it becomes the loopback address of its own family (0.0.0.0 → 127.0.0.1,
 * :: → [::1]); an IPv6 address goes in brackets (its zone, if any, written %25 as in a URL); anything else is used as
 * given. The family must be kept: a server bound to ::1 does not answer on 127.0.0.1.
 */
export function announcedBaseUrl(host: string, port: number): string {
  return `http://${urlHost(host)}:${port}`;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (isIP(host) !== 6) return host;
  // A valid IPv6 address made only of zeros and colons is the unspecified address, however it is written.
  if (/^[0:]+$/.test(host)) return '[::1]';
  return `[${host.replace('%', '%25')}]`;
}
