/** The first-class signal sources (DOMAIN.md §2). Other sources will follow the same shape. */
export const SIGNAL_SOURCES = ['mma', 'intern-meldpunt', 'zorgmelding'] as const;
export type SignalSource = (typeof SIGNAL_SOURCES)[number];

/** True when `value` names a known signal source. */
export function isSignalSource(value: unknown): value is SignalSource {
  return (SIGNAL_SOURCES as readonly unknown[]).includes(value);
}
