/** Severity of a transport log line, most severe first. */
export type TransportLogLevel = 'error' | 'warn' | 'info' | 'debug';

/**
 * Log sink injected into the transports. Library code never writes to the console; the app decides
 * where transport diagnostics go (e.g. pino).
 */
export type TransportLogger = (level: TransportLogLevel, message: string, extra?: Record<string, unknown>) => void;

/** Default sink: drops everything. */
export const silentTransportLogger: TransportLogger = () => undefined;
