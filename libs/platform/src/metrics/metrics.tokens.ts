/** Nest injection token for the process's `ProcessMetrics`. */
export const METRICS = Symbol('METRICS');
