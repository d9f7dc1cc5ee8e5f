import { reportCounts, type ReportedCount } from '../reporting/small-count.js';
import type { SignalSource } from '../signals/signal-source.js';
import { SIGNAL_SOURCES } from '../signals/signal-source.js';

/**
 * Signals of one source/theme that share a subject key. The subject key is the linked subject's id, or —
 * for a signal linked to no subject — something unique to that signal, so it counts as a subject of its own.
 */
export interface SignalCountGroup {
  source: SignalSource;
  /** MMA theme; null for other sources. */
  theme: string | null;
  subjectKey: string;
  /** How many signals are in the group. */
  registrations: number;
  /** How many of them were dismissed. */
  dismissed: number;
}

/** Registrations and unique subjects of a set of signals (exact counts, or as a report shows them). */
export interface SignalCounts<C = number> {
  registrations: C;
  uniqueSubjects: C;
  dismissed: C;
}

/** Counts per source (every first-class source, zeros included) and per MMA theme (themes seen only). */
export interface SignalStatistics<C = number> {
  total: SignalCounts<C>;
  bySource: ({ source: SignalSource } & SignalCounts<C>)[];
  byTheme: ({ theme: string } & SignalCounts<C>)[];
}

/** The subject key of a signal: its subject when linked, else the signal itself. */
export function subjectKeyOf(signalId: string, subjectId: string | null): string {
  return subjectId ?? `signal:${signalId}`;
}

/**
 * Registrations and unique subjects (DOMAIN.md §7: repeat reports inflate counts). Every signal is a
 * registration; signals linked to the same subject count as one subject, an unlinked signal as its own.
 * A subject reported through two sources counts once in the total and once in each source.
 */
export function summarizeSignalStatistics(groups: readonly SignalCountGroup[]): SignalStatistics {
  const count = (selected: readonly SignalCountGroup[]): SignalCounts => ({
    registrations: selected.reduce((n, g) => n + g.registrations, 0),
    uniqueSubjects: new Set(selected.map((g) => g.subjectKey)).size,
    dismissed: selected.reduce((n, g) => n + g.dismissed, 0),
  });
  const themes = [...new Set(groups.filter((g) => g.source === 'mma' && g.theme !== null).map((g) => g.theme!))].sort();
  return {
    total: count(groups),
    bySource: SIGNAL_SOURCES.map((source) => ({ source, ...count(groups.filter((g) => g.source === source)) })),
    byTheme: themes.map((theme) => ({ theme, ...count(groups.filter((g) => g.source === 'mma' && g.theme === theme)) })),
  };
}

/** The signal figures as a report shows them: every count of 1 to 4 as `"<5"` (see `reportCount`). */
export function reportSignalStatistics(groups: readonly SignalCountGroup[]): SignalStatistics<ReportedCount> {
  const exact = summarizeSignalStatistics(groups);
  return {
    total: reportCounts(exact.total),
    bySource: exact.bySource.map(({ source, ...c }) => ({ source, ...reportCounts(c) })),
    byTheme: exact.byTheme.map(({ theme, ...c }) => ({ theme, ...reportCounts(c) })),
  };
}
