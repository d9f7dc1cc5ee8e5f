/** Nest injection token for the process's `ProcessMetrics`. */
export const METRICS = Symbol('METRICS');
/** Provider that registers the outbox and dead-letter gauges once the database is open. */
export const OUTBOX_GAUGES = Symbol('OUTBOX_GAUGES');
