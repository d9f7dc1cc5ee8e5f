import { pino, type Logger } from 'pino';
import type { LoggerService } from '@nestjs/common';

/**
 * Paths that may hold personal data. Logs never carry signal text, names, BSN or reporter details;
 * code should not log them in the first place, and these paths are censored if it does.
 */
export const REDACTED_PATHS = [
  'body', '*.body', 'payload', '*.payload', 'reporter', '*.reporter', 'subject', '*.subject', 'description', '*.description',
  'concern', '*.concern', 'name', '*.name', 'bsn', '*.bsn', 'address', '*.address', 'contact', '*.contact',
  'req.headers.authorization', 'headers.authorization', 'authorization', 'token',
];

/**
 * The process logger: JSON lines on stdout, PII paths censored. Writes are asynchronous (a synchronous
 * write per request line would block the request path on a system call); what is pending is flushed on exit.
 */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  const destination = pino.destination({ dest: 1, sync: false });
  process.once('exit', () => {
    try {
      destination.flushSync();
    } catch {
      // not open yet: nothing was written
    }
  });
  return pino(
    { level, base: { service: 'signaalroute', ...base }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime },
    destination,
  );
}

/** Nest's logger interface over pino, so framework messages come out as the same JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) { this.logger.info({ context }, String(message)); }
  error(message: unknown, trace?: string, context?: string) { this.logger.error({ context, trace }, String(message)); }
  warn(message: unknown, context?: string) { this.logger.warn({ context }, String(message)); }
  debug(message: unknown, context?: string) { this.logger.debug({ context }, String(message)); }
  verbose(message: unknown, context?: string) { this.logger.trace({ context }, String(message)); }
  fatal(message: unknown, context?: string) { this.logger.fatal({ context }, String(message)); }
}
