import fc from 'fast-check';
import { reportSignalStatistics, SIGNAL_SOURCES, subjectKeyOf, summarizeSignalStatistics, type ReportedCount, type SignalCountGroup, type SignalCounts, type SignalSource } from '../src/index.js';

/** Repeat reports inflate counts (DOMAIN.md §7): registrations count every signal, unique subjects count once. */

interface Signal {
  signalId: string;
  source: SignalSource;
  theme: string | null;
  subjectId: string | null;
  dismissed: boolean;
}

/** What the repository's GROUP BY produces for these signals. */
function groupsOf(signals: Signal[]): SignalCountGroup[] {
  const groups = new Map<string, SignalCountGroup>();
  for (const s of signals) {
    const subjectKey = subjectKeyOf(s.signalId, s.subjectId);
    const key = JSON.stringify([s.source, s.theme, subjectKey]);
    const g = groups.get(key) ?? { source: s.source, theme: s.theme, subjectKey, registrations: 0, dismissed: 0 };
    g.registrations += 1;
    g.dismissed += s.dismissed ? 1 : 0;
    groups.set(key, g);
  }
  return [...groups.values()];
}

describe('summarizeSignalStatistics', () => {
  it('two zorgmeldingen about one person: 2 registrations, 1 unique subject; an unlinked MMA tip is its own subject', () => {
    const stats = summarizeSignalStatistics(
      groupsOf([
        { signalId: 'a', source: 'zorgmelding', theme: null, subjectId: 'person-1', dismissed: false },
        { signalId: 'b', source: 'zorgmelding', theme: null, subjectId: 'person-1', dismissed: false },
        { signalId: 'c', source: 'mma', theme: 'drugs', subjectId: null, dismissed: true },
      ]),
    );
    expect(stats.total).toEqual({ registrations: 3, uniqueSubjects: 2, dismissed: 1 });
    expect(stats.bySource).toEqual([
      { source: 'mma', registrations: 1, uniqueSubjects: 1, dismissed: 1 },
      { source: 'intern-meldpunt', registrations: 0, uniqueSubjects: 0, dismissed: 0 },
      { source: 'zorgmelding', registrations: 2, uniqueSubjects: 1, dismissed: 0 },
    ]);
    expect(stats.byTheme).toEqual([{ theme: 'drugs', registrations: 1, uniqueSubjects: 1, dismissed: 1 }]);
  });

  it('a subject reported through two sources counts once in the total and once per source', () => {
    const stats = summarizeSignalStatistics(
      groupsOf([
        { signalId: 'a', source: 'zorgmelding', theme: null, subjectId: 'person-1', dismissed: false },
        { signalId: 'b', source: 'intern-meldpunt', theme: null, subjectId: 'person-1', dismissed: false },
      ]),
    );
    expect(stats.total).toEqual({ registrations: 2, uniqueSubjects: 1, dismissed: 0 });
    expect(stats.bySource.filter((s) => s.registrations > 0).map((s) => s.uniqueSubjects)).toEqual([1, 1]);
  });

  it('properties: unique subjects never exceed registrations; linking nothing makes them equal; per-source sums equal the total', () => {
    const signals = fc.uniqueArray(
      fc.record({
        signalId: fc.uuid(),
        source: fc.constantFrom(...SIGNAL_SOURCES),
        theme: fc.constantFrom('drugs', 'milieu'),
        subjectId: fc.option(fc.constantFrom('p1', 'p2', 'p3'), { nil: null }),
        dismissed: fc.boolean(),
      }),
      { selector: (s) => s.signalId, maxLength: 40 },
    ).map((list) => list.map((s) => ({ ...s, theme: s.source === 'mma' ? s.theme : null })));
    fc.assert(
      fc.property(signals, (list) => {
        const stats = summarizeSignalStatistics(groupsOf(list));
        expect(stats.total.registrations).toBe(list.length);
        expect(stats.total.uniqueSubjects).toBeLessThanOrEqual(stats.total.registrations);
        expect(stats.total.uniqueSubjects).toBe(new Set(list.map((s) => s.subjectId ?? s.signalId)).size);
        expect(stats.bySource.reduce((n, s) => n + s.registrations, 0)).toBe(stats.total.registrations);
        expect(stats.byTheme.reduce((n, s) => n + s.registrations, 0)).toBe(list.filter((s) => s.source === 'mma').length);
        const unlinked = summarizeSignalStatistics(groupsOf(list.map((s) => ({ ...s, subjectId: null }))));
        expect(unlinked.total.uniqueSubjects).toBe(list.length);
        // As reported: every count of 1 to 4 is "<5"; 0 and 5 or more are the exact figure.
        const reported = reportSignalStatistics(groupsOf(list));
        const pairs: [SignalCounts, SignalCounts<ReportedCount>][] = [[stats.total, reported.total], ...stats.bySource.map((c, i): [SignalCounts, SignalCounts<ReportedCount>] => [c, reported.bySource[i]!]), ...stats.byTheme.map((c, i): [SignalCounts, SignalCounts<ReportedCount>] => [c, reported.byTheme[i]!])];
        for (const [exact, shown] of pairs) {
          for (const key of ['registrations', 'uniqueSubjects', 'dismissed'] as const) {
            expect(shown[key]).toBe(exact[key] >= 1 && exact[key] <= 4 ? '<5' : exact[key]);
          }
        }
      }),
    );
  });
});
