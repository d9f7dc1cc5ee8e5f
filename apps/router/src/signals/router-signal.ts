/**
 * What the router knows of a signal: a read model fed from `signaalroute.signals.v1` (owned by
 * `signals/router-signals.projection.ts`). Cases are opened from these; subjects are matched on the hints.
 */
export interface RouterSignal {
  signalId: string;
  municipality: string;
  source: 'mma' | 'intern-meldpunt' | 'zorgmelding';
  receivedAt: string;
  /** Triage status as the router sees it: nieuw | gekoppeld | in-behandeling | afgewezen. */
  status: string;
  subjectId: string | null;
  caseId: string | null;
  /** Zorgmelding only: the reporter's relation (an essentiële naaste may be told a Wvggz outcome). */
  reporterRelation: string | null;
  wvggz: boolean | null;
  /** Identifying hints for subject matching (zorgmelding subject, intern-meldpunt involved party, MMA location). */
  hints: { kind?: string; name?: string; birthDate?: string; bsn?: string; address?: string; postcode?: string; kvkNumber?: string };
}

/** Read access to the router's signal read model. Implemented by `RouterSignalsRepository`. */
export interface RouterSignalsReader {
  /** The signal if it exists in one of `municipalities`, else null. */
  get(signalId: string, municipalities: readonly string[] | 'all'): Promise<RouterSignal | null>;
}
